package dev.lookalike.embed;

/** A model failed to run on its input; the message says what the model was and what failed. */
public class EmbeddingException extends RuntimeException {
    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }

    public EmbeddingException(String message) {
        super(message);
    }
}
