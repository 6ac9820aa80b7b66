package dev.lookalike.catalog;

/** The catalogue file cannot be opened, read or written; the message says which file and why. */
public class CatalogException extends RuntimeException {
    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }

    public CatalogException(String message) {
        super(message);
    }
}
