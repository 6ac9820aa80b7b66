package dev.lookalike.solr;

/**
 * A Solr request that failed: Solr answered with an error (its HTTP status and message), or could not be
 * reached (status 0). The message is one line, fit for a person.
 */
public final class SolrException extends RuntimeException {

    private final int status;

    public SolrException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public SolrException(int status, String message) {
        this(status, message, null);
    }

    /** The HTTP status Solr answered with, 0 when there was no answer. */
    public int status() {
        return status;
    }
}
