package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.scrape.CrawlOptions;
import dev.lookalike.scrape.Crawler;
import dev.lookalike.scrape.PhotoStore;
import dev.lookalike.scrape.RecipeMismatchException;
import dev.lookalike.web.Serving;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The whole job in one command: scrape a shop, embed its photos, serve the gallery. With no arguments
 * it crawls books.toscrape.com (a sandbox shop made for scraping practice) and uses the default CLIP,
 * both fetched from the internet; with {@code --shop} and {@code --model} it runs fully offline.
 */
@CommandLine.Command(name = "demo", mixinStandardHelpOptions = true, modelTransformer = DemoCommand.CatalogHelp.class,
        description = "Scrape a shop, embed its photos and serve the gallery (default: a small sandbox shop).")
class DemoCommand extends ModelCommand implements Callable<Integer> {

    /** Where the demo's catalogue goes unless --catalog says otherwise. */
    static final String DEFAULT_CATALOG = "catalog/demo.db";
    static final String DEFAULT_SHOP = "scraper/books-toscrape.yaml";

    @CommandLine.Option(names = "--shop", paramLabel = "URL",
            description = "Shop URL, sitemap URL or recipe file (default: " + DEFAULT_SHOP + ").")
    String shop;

    @CommandLine.Option(names = "--max-pages", paramLabel = "N",
            description = "Pages to crawl at most (default: the recipe's, else 150).")
    Integer maxPages;

    @CommandLine.Option(names = "--delay-ms", paramLabel = "N",
            description = "Least milliseconds between two requests to the shop (default: the recipe's, else 500).")
    Long delayMs;

    @CommandLine.Option(names = "--port", paramLabel = "N", description = "HTTP port (default: 8080).")
    Integer port;

    @CommandLine.Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: 127.0.0.1, this machine only; or $LOOKALIKE_WEB_HOST; "
                    + "0.0.0.0 for every interface).")
    String host;

    @Inject
    Serving serving;

    /** demo's catalogue is its own (Main sets it before boot), whatever $LOOKALIKE_CATALOG says: --help says so. */
    static final class CatalogHelp implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            CommandLine.Model.OptionSpec catalog = spec.findOption("--catalog");
            spec.remove(catalog);
            spec.addOption(CommandLine.Model.OptionSpec.builder(catalog).description("Catalogue file (default: "
                    + DEFAULT_CATALOG + ", never $LOOKALIKE_CATALOG, so the demo never mixes into your catalogue).")
                    .build());
            return spec;
        }
    }

    private final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);

    @Override
    public Integer call() throws Exception {
        Crawler.Start start = start();
        CrawlOptions options = CrawlOptions.defaults().withMaxPages(150);
        if (start.recipe() != null) {
            options = start.recipe().apply(options);
        }
        if (maxPages != null) {
            options = options.withMaxPages(maxPages);
        }
        if (delayMs != null) {
            options = options.withDelay(java.time.Duration.ofMillis(Math.max(0, delayMs)));
        }
        err.println("lookalike demo: catalogue " + catalogPath() + ", model " + modelSpec());
        try (CatalogDb db = openCatalog()) {
            err.println("[1/3] scraping " + start.label() + " …");
            PhotoStore photos = new PhotoStore(db, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS));
            Crawler.Summary s;
            try {
                s = new Crawler(db, photos, options, new ScrapeCommand.Progress(StatusLine.onStderr())).run(start);
            } catch (RecipeMismatchException e) {
                throw new CommandFailure(ExitCodes.FAILED, e.getMessage() + " (the recipe no longer fits the shop)");
            }
            err.printf(Locale.ROOT, "      %d pages, %d products, %d photos (%d errors) in %.1f s%n", s.pages(),
                    s.products(), s.images(), s.errors(), s.seconds());
            if (s.outcome().equals("failed")) {
                throw new CommandFailure(ExitCodes.FAILED, "nothing could be fetched from " + s.shop()
                        + (s.problem() != null ? " (" + s.problem() + ")" : "")
                        + "; demo needs the shop to answer (offline, give it --shop URL of a local shop)");
            }
            if (db.products().isEmpty()) {
                throw new CommandFailure(ExitCodes.NOT_FOUND, "found no products at " + start.label()
                        + ": is it a shop with product pages (schema.org data or a recipe)?");
            }
            err.println("[2/3] embedding photos with " + modelSpec() + " (downloaded once if remote) …");
            try (ClipModel clip = loadModel()) {
                EmbedRun.Summary e = new EmbedRun(db, clip, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 16,
                        Runtime.getRuntime().availableProcessors()).run(new ProgressBar("embedding", "img"));
                err.printf(Locale.ROOT, "      %d embedded, %d already done, %d unusable, %.1f images/s%n",
                        e.embedded(), e.skipped(), e.failed(), e.imagesPerSecond());
            }
        }
        err.println("[3/3] starting the gallery …");
        ServeCommand.serveUntilStopped(serving, err);
        return ExitCodes.OK;
    }

    /** --shop, or the sandbox shop's recipe (from scraper/ when run in the repository, else from the jar). */
    private Crawler.Start start() throws IOException {
        String spec = shop != null ? shop : DEFAULT_SHOP;
        try {
            return Crawler.Start.of(spec);
        } catch (NoSuchFileException e) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "no such recipe file: " + spec);
        }
    }
}
