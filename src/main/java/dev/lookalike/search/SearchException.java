package dev.lookalike.search;

/** A query cannot be answered as asked; the message says why and what to do. */
public class SearchException extends RuntimeException {
    public SearchException(String message) {
        super(message);
    }
}
