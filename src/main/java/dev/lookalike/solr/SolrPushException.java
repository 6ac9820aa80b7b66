package dev.lookalike.solr;

/** The push cannot go on with this collection as it is (its vectors have another length); a one-line reason. */
public final class SolrPushException extends RuntimeException {
    public SolrPushException(String message) {
        super(message);
    }
}
