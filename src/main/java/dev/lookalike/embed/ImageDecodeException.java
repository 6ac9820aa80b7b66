package dev.lookalike.embed;

/**
 * An image file that cannot be used: empty, not an image, corrupt, truncated, or too large. The message
 * is written for a person ("truncated image", "not an image: looks like HTML") and can be shown as is.
 */
public class ImageDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
