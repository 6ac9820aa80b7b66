package dev.lookalike.embed;

/** A model could not be found, downloaded, verified or loaded; the message says which and why. */
public class ModelLoadException extends Exception {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelLoadException(String message) {
        super(message);
    }
}
