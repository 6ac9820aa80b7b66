package dev.lookalike.scrape;

import java.time.Duration;

/**
 * How a crawl behaves. Every field has a polite default ({@link #defaults()}); tests shorten the
 * waits so a crawl of a local shop takes milliseconds.
 *
 * @param userAgent        sent with every request; its first word (before {@code /}) is the name
 *                         robots.txt rules are matched against
 * @param maxPages         stop after this many pages and sitemaps (0: no limit)
 * @param concurrency      requests in flight at once, per host and in all
 * @param delay            least time between the starts of two requests to one host; robots.txt's
 *                         {@code Crawl-delay} raises it, up to {@code maxCrawlDelay}
 * @param connectTimeout   to open a connection
 * @param requestTimeout   for a whole response, body included
 * @param maxPageBytes     a larger page or sitemap is refused
 * @param maxImageBytes    a larger photo is refused
 * @param maxRetries       retries of a request answered 429 or 5xx or cut off (never 4xx)
 * @param retryBackoff     wait before the first retry, doubled for each further one
 * @param maxRetryAfter    a server asking to wait longer than this is given up on
 * @param maxRedirects     a longer redirect chain is refused
 * @param maxCrawlDelay    robots.txt's {@code Crawl-delay} is honoured up to this
 */
public record CrawlOptions(String userAgent, int maxPages, int concurrency, Duration delay, Duration connectTimeout,
                           Duration requestTimeout, int maxPageBytes, int maxImageBytes, int maxRetries,
                           Duration retryBackoff, Duration maxRetryAfter, int maxRedirects, Duration maxCrawlDelay) {

    public static final String DEFAULT_USER_AGENT = "LookalikeBot/0.1";

    public CrawlOptions {
        if (userAgent == null || userAgent.isBlank()) {
            throw new IllegalArgumentException("the user agent must not be empty");
        }
        if (maxPages < 0) {
            throw new IllegalArgumentException("--max-pages must be 0 (no limit) or more, got " + maxPages);
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("--concurrency must be between 1 and 256, got " + concurrency);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("--delay-ms must not be negative, got " + delay.toMillis());
        }
    }

    /** Polite settings for a real shop: two requests at a time, half a second apart. */
    public static CrawlOptions defaults() {
        return new CrawlOptions(DEFAULT_USER_AGENT, 0, 2, Duration.ofMillis(500), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 8 << 20, 32 << 20, 3, Duration.ofSeconds(1), Duration.ofMinutes(2), 10,
                Duration.ofSeconds(60));
    }

    public CrawlOptions withUserAgent(String v) {
        return new CrawlOptions(v, maxPages, concurrency, delay, connectTimeout, requestTimeout, maxPageBytes,
                maxImageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withMaxPages(int v) {
        return new CrawlOptions(userAgent, v, concurrency, delay, connectTimeout, requestTimeout, maxPageBytes,
                maxImageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withConcurrency(int v) {
        return new CrawlOptions(userAgent, maxPages, v, delay, connectTimeout, requestTimeout, maxPageBytes,
                maxImageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withDelay(Duration v) {
        return new CrawlOptions(userAgent, maxPages, concurrency, v, connectTimeout, requestTimeout, maxPageBytes,
                maxImageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withTimeouts(Duration connect, Duration request) {
        return new CrawlOptions(userAgent, maxPages, concurrency, delay, connect, request, maxPageBytes,
                maxImageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withLimits(int pageBytes, int imageBytes) {
        return new CrawlOptions(userAgent, maxPages, concurrency, delay, connectTimeout, requestTimeout, pageBytes,
                imageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withRetries(int retries, Duration backoff, Duration maxAfter) {
        return new CrawlOptions(userAgent, maxPages, concurrency, delay, connectTimeout, requestTimeout, maxPageBytes,
                maxImageBytes, retries, backoff, maxAfter, maxRedirects, maxCrawlDelay);
    }

    public CrawlOptions withMaxCrawlDelay(Duration v) {
        return new CrawlOptions(userAgent, maxPages, concurrency, delay, connectTimeout, requestTimeout, maxPageBytes,
                maxImageBytes, maxRetries, retryBackoff, maxRetryAfter, maxRedirects, v);
    }

    /** The name robots.txt groups are matched against: the user agent's first word, lower case. */
    public String robotName() {
        String token = userAgent.strip().split("[/\\s]", 2)[0];
        return token.toLowerCase(java.util.Locale.ROOT);
    }
}
