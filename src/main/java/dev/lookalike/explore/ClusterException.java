package dev.lookalike.explore;

/** Clustering cannot run as asked (no vectors, a k out of range); the message says what to do. */
public class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }
}
