package dev.lookalike.scrape;

/** A recipe no longer fits its shop: the message names the selector that matched nothing and the URL. */
public final class RecipeMismatchException extends Exception {
    public RecipeMismatchException(String message) {
        super(message);
    }
}
