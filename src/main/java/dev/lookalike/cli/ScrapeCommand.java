package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.scrape.CrawlOptions;
import dev.lookalike.scrape.Crawler;
import dev.lookalike.scrape.PhotoStore;
import dev.lookalike.scrape.RecipeMismatchException;
import picocli.CommandLine;

import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "scrape", mixinStandardHelpOptions = true,
        description = "Crawl a shop (home, category or product URL, sitemap.xml, or a scraper/*.yaml recipe) "
                + "into the catalogue; resumable; prints a JSON summary.")
class ScrapeCommand extends BaseCommand implements Callable<Integer> {

    @CommandLine.Parameters(paramLabel = "START", description = "Shop URL, sitemap URL, recipe file, or a built-in recipe's name ("
            + Crawler.Start.BUILT_IN_RECIPES + ").")
    String start;

    @CommandLine.Option(names = "--max-pages", paramLabel = "N",
            description = "Stop after N pages (default: no limit).")
    Integer maxPages;

    @CommandLine.Option(names = "--concurrency", paramLabel = "N",
            description = "Requests in flight at once per host (default: 2).")
    Integer concurrency;

    @CommandLine.Option(names = "--delay-ms", paramLabel = "N",
            description = "Least milliseconds between two requests to one host; robots.txt's Crawl-delay "
                    + "may raise it (default: 500).")
    Long delayMs;

    @CommandLine.Option(names = "--user-agent", paramLabel = "S",
            description = "User-Agent header; its first word is matched against robots.txt (default: "
                    + CrawlOptions.DEFAULT_USER_AGENT + ").")
    String userAgent;

    @Override
    public Integer call() throws Exception {
        Crawler.Start from;
        try {
            from = Crawler.Start.of(start);
        } catch (NoSuchFileException e) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "no such recipe file: " + start + " (built-in recipes: "
                    + Crawler.Start.BUILT_IN_RECIPES + ")");
        }
        CrawlOptions options = CrawlOptions.defaults();
        if (from.recipe() != null) {
            options = from.recipe().apply(options);
        }
        if (maxPages != null) {
            options = options.withMaxPages(maxPages);
        }
        if (concurrency != null) {
            options = options.withConcurrency(concurrency);
        }
        if (delayMs != null) {
            if (delayMs < 0) {
                throw new CommandFailure(ExitCodes.USAGE, "--delay-ms must not be negative, got " + delayMs);
            }
            options = options.withDelay(Duration.ofMillis(delayMs));
        }
        if (userAgent != null) {
            options = options.withUserAgent(userAgent);
        }
        try (CatalogDb db = openCatalog()) {
            PhotoStore photos = new PhotoStore(db, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS));
            Crawler.Summary s = new Crawler(db, photos, options, new Progress(StatusLine.onStderr())).run(from);
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("shop", s.shop());
            n.put("outcome", s.outcome());
            n.put("resumed", s.resumed());
            n.put("pages", s.pages());
            n.put("products", s.products());
            n.put("images", s.images());
            n.put("images_reused", s.imagesReused());
            n.put("image_errors", s.imageErrors());
            n.put("errors", s.errors());
            n.put("skipped", s.skipped());
            n.put("gone", s.gone());
            n.put("removed", s.removed());
            n.put("queued", s.queued());
            n.put("requests", s.requests());
            n.put("retries", s.retries());
            n.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            n.put("pages_per_second", Math.round(s.pagesPerSecond() * 100) / 100.0);
            n.put("images_per_second", Math.round(s.imagesPerSecond() * 100) / 100.0);
            out.println(Json.line(n));
            if (s.outcome().equals("failed")) {
                throw new CommandFailure(ExitCodes.FAILED, "nothing could be fetched from " + s.shop()
                        + (s.problem() != null ? " (" + s.problem() + ")" : "") + "; run scrape again once it answers");
            }
        } catch (RecipeMismatchException e) {
            throw new CommandFailure(ExitCodes.FAILED, e.getMessage() + " (the recipe no longer fits the shop; "
                    + "fix it and run scrape again to continue)");
        }
        return ExitCodes.OK;
    }

    /** Progress on stderr: a redrawn line on a terminal, a line every few seconds otherwise; problems on their own lines. */
    static final class Progress implements Crawler.Listener {
        private final StatusLine line;

        Progress(StatusLine line) {
            this.line = line;
        }

        @Override
        public void progress(Crawler.Progress p) {
            line.show(String.format(Locale.ROOT,
                    "scraping: %d pages done, %d queued, %d products, %d images, %d errors, %.1f pages/s",
                    p.pages(), p.queued(), p.products(), p.images(), p.errors(),
                    p.seconds() > 0 ? p.pages() / p.seconds() : 0.0), false);
        }

        @Override
        public void problem(String url, String message) {
            line.message("lookalike: " + url + ": " + message);
        }
    }
}
