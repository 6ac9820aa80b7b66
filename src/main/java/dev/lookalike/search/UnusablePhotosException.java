package dev.lookalike.search;

import java.util.List;

/**
 * A product has photos, but none that could be embedded: each failed to download or to decode. Not
 * the asker's mistake (the request is well formed) and not cured by running embed again: the shop's
 * photos need replacing.
 */
public class UnusablePhotosException extends RuntimeException {

    private final List<String> errors;

    public UnusablePhotosException(String productId, List<String> errors) {
        super("product " + productId + " has no usable photo: " + String.join("; ", errors)
                + " (replace the photos, import or scrape again, then run embed)");
        this.errors = List.copyOf(errors);
    }

    /** One {@code "URL: reason"} per photo. */
    public List<String> errors() {
        return errors;
    }
}
