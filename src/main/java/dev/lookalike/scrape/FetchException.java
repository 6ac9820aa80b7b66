package dev.lookalike.scrape;

/**
 * A URL could not be used; the message says why in words a person can act on.
 * {@link Kind} tells the crawl what it means for the page.
 */
public final class FetchException extends Exception {

    /** What the failure means for the page. */
    public enum Kind {
        /** Deliberately not fetched or not used: robots.txt, wrong content type, off the shop. */
        SKIPPED,
        /** The server says it does not exist (404, 410). */
        GONE,
        /** Anything else: server errors after retries, timeouts, too large, redirect loops. */
        FAILED
    }

    private final Kind kind;
    private final Integer status;

    public FetchException(Kind kind, Integer status, String message) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The last HTTP status, or null when no response came. */
    public Integer status() {
        return status;
    }
}
