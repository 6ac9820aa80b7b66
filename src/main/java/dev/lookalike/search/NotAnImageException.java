package dev.lookalike.search;

/** Bytes given to search by photo do not decode as a photo; the message says why. */
public class NotAnImageException extends RuntimeException {
    public NotAnImageException(String message) {
        super(message);
    }
}
