package dev.lookalike.scrape;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * robots.txt of every host the crawl touches, fetched once per host and parsed by crawler-commons
 * (the parser Apache Nutch and StormCrawler use). As RFC 9309 (section 2.3.1) asks, a missing file (4xx)
 * allows everything, and a server error or an unreachable host forbids everything for now, to be tried
 * again later; {@link #refusal} tells the two kinds of refusal apart, and {@link #notes} says which rule
 * applied. {@code Crawl-delay} slows the host's requests down, up to {@link CrawlOptions#maxCrawlDelay()}.
 */
public final class Robots {

    private final Fetcher fetcher;
    private final CrawlOptions options;
    private final ConcurrentHashMap<String, CompletableFuture<BaseRobotRules>> byOrigin = new ConcurrentHashMap<>();
    /** Per origin, why robots.txt could not be read when that forbids the whole host (5xx, unreachable). */
    private final ConcurrentHashMap<String, FetchException> unreadable = new ConcurrentHashMap<>();
    /** Per origin, what a robots.txt that could not be read meant for the crawl, for the user. */
    private final ConcurrentHashMap<String, String> notes = new ConcurrentHashMap<>();

    Robots(Fetcher fetcher, CrawlOptions options) {
        this.fetcher = fetcher;
        this.options = options;
    }

    /** Whether the crawl may fetch {@code url}; loads the host's robots.txt on first use. */
    public boolean allowed(String url) throws InterruptedException {
        return rules(url).isAllowed(url);
    }

    /**
     * Why {@code url} may not be fetched, or null when it may. A host whose robots.txt could not be read
     * (server error, unreachable) gets a {@link FetchException.Kind#FAILED} carrying that failure, since the
     * page was not refused by the shop; a rule of a robots.txt that was read gets {@code SKIPPED}.
     */
    public FetchException refusal(String url) throws InterruptedException {
        if (rules(url).isAllowed(url)) {
            return null;
        }
        FetchException why = unreadable.get(origin(url));
        if (why != null) {
            return new FetchException(FetchException.Kind.FAILED, why.status(), why.getMessage());
        }
        return new FetchException(FetchException.Kind.SKIPPED, null, "disallowed by robots.txt");
    }

    /** Per origin, what an unreadable robots.txt meant (RFC 9309's rule that applied), in words. */
    public java.util.Map<String, String> notes() {
        return java.util.Map.copyOf(notes);
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** The sitemaps the host's robots.txt names. */
    public List<String> sitemaps(String url) throws InterruptedException {
        return rules(url).getSitemaps();
    }

    /** The rules for the host of {@code url}. */
    public BaseRobotRules rules(String url) throws InterruptedException {
        String origin = origin(url);
        CompletableFuture<BaseRobotRules> mine = new CompletableFuture<>();
        CompletableFuture<BaseRobotRules> existing = byOrigin.putIfAbsent(origin, mine);
        if (existing == null) {
            try {
                mine.complete(load(origin));
            } catch (InterruptedException | RuntimeException e) {
                byOrigin.remove(origin, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            return mine.join();
        }
        try {
            return existing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException) {
                throw new InterruptedException("interrupted while another thread read robots.txt");
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private BaseRobotRules load(String origin) throws InterruptedException {
        SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
        parser.setMaxCrawlDelay(Long.MAX_VALUE);
        String url = origin + "/robots.txt";
        BaseRobotRules rules;
        try {
            Fetcher.Response r = fetcher.fetch(url, Fetcher.Expect.ROBOTS);
            rules = parser.parseContent(url, r.body(), r.contentType(), List.of(options.robotName()));
        } catch (FetchException e) {
            Integer status = e.status();
            if (status != null && status >= 400 && status < 500 && status != 429) {
                rules = parser.failedFetch(status);
                notes.put(origin, url + " answered HTTP " + status + ": every page is allowed (RFC 9309, 4xx)");
            } else {
                // 5xx, 429 or no answer at all (refused, unresolvable, timed out): disallow for now, retry later
                rules = parser.failedFetch(503);
                String why = status == null ? e.getMessage()
                        : url + " answered " + e.getMessage() + ": nothing is fetched from " + origin
                                + " until it can be read (RFC 9309, 5xx); run scrape again later";
                unreadable.put(origin, new FetchException(FetchException.Kind.FAILED, status, why));
                notes.put(origin, status == null ? "robots.txt unreachable (" + e.getMessage() + "): nothing is fetched "
                        + "from " + origin + " for now (RFC 9309); run scrape again later" : why);
            }
        }
        long delay = rules.getCrawlDelay();
        if (delay > 0) {
            fetcher.slowDown(origin + "/", Math.min(delay, options.maxCrawlDelay().toMillis()));
        }
        return rules;
    }
}
