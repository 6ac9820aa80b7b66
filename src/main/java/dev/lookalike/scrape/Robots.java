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
 * (the parser Apache Nutch and StormCrawler use). A missing file (4xx) allows everything; a server
 * error or an unreachable host forbids everything, as RFC 9309 asks. {@code Crawl-delay} slows the
 * host's requests down, up to {@link CrawlOptions#maxCrawlDelay()}.
 */
public final class Robots {

    private final Fetcher fetcher;
    private final CrawlOptions options;
    private final ConcurrentHashMap<String, CompletableFuture<BaseRobotRules>> byOrigin = new ConcurrentHashMap<>();

    Robots(Fetcher fetcher, CrawlOptions options) {
        this.fetcher = fetcher;
        this.options = options;
    }

    /** Whether the crawl may fetch {@code url}; loads the host's robots.txt on first use. */
    public boolean allowed(String url) throws InterruptedException {
        return rules(url).isAllowed(url);
    }

    /** The sitemaps the host's robots.txt names. */
    public List<String> sitemaps(String url) throws InterruptedException {
        return rules(url).getSitemaps();
    }

    /** The rules for the host of {@code url}. */
    public BaseRobotRules rules(String url) throws InterruptedException {
        URI uri = URI.create(url);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
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
            int status = e.status() != null ? e.status() : 503;
            rules = parser.failedFetch(status);
        }
        long delay = rules.getCrawlDelay();
        if (delay > 0) {
            fetcher.slowDown(origin + "/", Math.min(delay, options.maxCrawlDelay().toMillis()));
        }
        return rules;
    }
}
