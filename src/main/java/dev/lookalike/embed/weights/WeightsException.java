package dev.lookalike.embed.weights;

/** A checkpoint file cannot be read, or lacks a tensor; the message names the file and the tensor. */
public class WeightsException extends Exception {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
