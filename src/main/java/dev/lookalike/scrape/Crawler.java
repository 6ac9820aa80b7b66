package dev.lookalike.scrape;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import crawlercommons.sitemaps.UnknownFormatException;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.CrawlStore;
import dev.lookalike.catalog.CrawlStore.PageResult;
import dev.lookalike.catalog.CrawlStore.PageState;
import dev.lookalike.catalog.CrawlStore.QueuedPage;
import dev.lookalike.catalog.ImageInfo;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.scrape.extract.ProductExtractor;
import dev.lookalike.scrape.extract.ScrapedProduct;
import dev.lookalike.scrape.extract.Urls;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crawls one shop into the catalogue: from a start URL (home, category, product page or sitemap) or a
 * recipe, within the start host, recording every product page's product and photos. The frontier and
 * each page's state are written to the catalogue as the crawl goes ({@link CrawlStore}), so a crawl
 * killed at any moment continues where it stopped when run again; a later crawl of the same start
 * updates prices and names in place and marks the products it no longer finds as removed. Photo URLs
 * already stored are not fetched again; the same photo on two products is stored once.
 */
public final class Crawler {

    /** Where a crawl begins: a label that identifies it for resuming, its URLs, and its recipe (or null). */
    public record Start(String label, List<String> urls, Recipe recipe) {

        /**
         * START as the command takes it: an http(s) URL, a recipe file ({@code .yaml}/{@code .yml}), or the
         * name of a recipe built into the jar ({@link #BUILT_IN_RECIPES}; a file of that path wins).
         *
         * @throws NoSuchFileException when it names a recipe file that does not exist
         * @throws IllegalArgumentException when it is neither a URL nor a recipe, or the recipe is invalid
         */
        /** The recipes under scraper/ that travel in the jar, by name. */
        public static final String BUILT_IN_RECIPES = "amazon, books-toscrape";

        public static Start of(String start) throws IOException {
            String s = start.strip();
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                String url = Urls.normalise(s);
                if (url == null) {
                    throw new IllegalArgumentException("START " + start + " is not a valid URL");
                }
                return new Start(url, List.of(url), null);
            }
            Path file = Path.of(s);
            if (Files.isRegularFile(file)) {
                Recipe recipe = Recipe.load(file);
                return new Start("recipe:" + recipe.name(), recipe.start(), recipe);
            }
            // a recipe shipped in the jar, by name from any folder: amazon, amazon.yaml, scraper/amazon.yaml
            String name = file.getFileName() == null ? s : file.getFileName().toString().replaceFirst("(?i)\\.ya?ml$", "");
            if (name.matches("[A-Za-z0-9_.-]+")) {
                try (java.io.InputStream in = Crawler.class.getResourceAsStream("/scraper/" + name + ".yaml")) {
                    if (in != null) {
                        Recipe recipe = Recipe.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                                name, "scraper/" + name + ".yaml (built in)");
                        return new Start("recipe:" + recipe.name(), recipe.start(), recipe);
                    }
                }
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                throw new NoSuchFileException(s, null, "no such recipe file");
            }
            throw new IllegalArgumentException("START must be an http(s) URL (shop home, category, product page or "
                    + "sitemap.xml), a recipe file or the name of a built-in recipe (" + BUILT_IN_RECIPES + "), got: "
                    + start);
        }

        /** The shop's name in the catalogue: the start host. */
        public String shop() {
            return Urls.host(urls.get(0));
        }
    }

    /** Told how the crawl goes; called from crawl threads. */
    public interface Listener {
        /** After each page: the counts so far. */
        void progress(Progress p);

        /** A page or photo that failed, and why. */
        void problem(String url, String message);

        /** A listener that ignores everything. */
        static Listener silent() {
            return new Listener() {
                @Override
                public void progress(Progress p) {}

                @Override
                public void problem(String url, String message) {}
            };
        }
    }

    /** Counts of this invocation so far; {@code queued} is what the frontier still holds. */
    public record Progress(int pages, int queued, int products, int images, int errors, double seconds) {}

    /**
     * What a crawl did in this invocation.
     *
     * @param pages        pages and sitemaps fetched (or given up on) now
     * @param products     distinct products recorded
     * @param images       photos downloaded and stored (new bytes or new URLs)
     * @param imagesReused photo URLs already stored, linked without downloading
     * @param imageErrors  photos that could not be fetched or decoded
     * @param errors       pages that failed (server errors, timeouts, too large, loops) plus image errors
     * @param skipped      pages not used on purpose (robots.txt, noindex, not HTML, off the shop)
     * @param gone         pages the shop answered 404 or 410
     * @param removed      products marked removed because this complete crawl no longer found them
     * @param queued       URLs left in the frontier (a limited crawl)
     * @param outcome      {@code complete}, {@code limited} (by --max-pages) or {@code failed} (no page could
     *                     be fetched at all: the shop is unreachable, or its robots.txt cannot be read)
     * @param problem      the first page failure of this invocation, or null
     */
    public record Summary(String shop, boolean resumed, int pages, int products, int images, int imagesReused,
                          int imageErrors, int errors, int skipped, int gone, int removed, int queued,
                          String outcome, double seconds, long requests, long retries, long bytes,
                          String problem) {

        public double pagesPerSecond() {
            return seconds > 0 ? pages / seconds : 0;
        }

        public double imagesPerSecond() {
            return seconds > 0 ? images / seconds : 0;
        }
    }

    private static final Pattern NOT_PAGES = Pattern.compile(
            "\\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|pdf|zip|gz|tgz|rar|7z|exe|dmg|mp[34]|m4v|mov|avi|webm|"
                    + "wav|ogg|css|js|json|woff2?|ttf|eot|csv|xlsx?|docx?|pptx?)$", Pattern.CASE_INSENSITIVE);
    private static final int MAX_LINKS_PER_PAGE = 5000;
    private static final int MAX_IMAGES_PER_PRODUCT = 60;

    private final CatalogDb db;
    private final PhotoStore photos;
    private final CrawlStore store;
    private final CrawlOptions options;
    private final Listener listener;

    public Crawler(CatalogDb db, PhotoStore photos, CrawlOptions options, Listener listener) {
        this.db = db;
        this.photos = photos;
        this.store = new CrawlStore(db);
        this.options = options;
        this.listener = listener;
    }

    /**
     * Crawls from {@code start} until the frontier is empty or {@code maxPages} is reached.
     *
     * @throws RecipeMismatchException when the recipe's required selector matches nothing on the first
     *     product page it is tried on (the crawl stays resumable: fix the recipe and run it again)
     * @throws InterruptedException when the thread is interrupted (the crawl stays resumable)
     */
    public Summary run(Start start) throws RecipeMismatchException, InterruptedException {
        try (Fetcher fetcher = new Fetcher(options)) {
            return new Run(start, fetcher).crawl();
        }
    }

    /** One invocation's state. */
    private final class Run {
        private final Start start;
        private final Fetcher fetcher;
        private final String shop;
        private final Recipe recipe;
        private final CrawlStore.Run run;
        private final Frontier frontier;
        private final Set<String> known = ConcurrentHashMap.newKeySet();
        private final Set<String> recorded = ConcurrentHashMap.newKeySet();
        private final ConcurrentHashMap<String, CompletableFuture<Linked>> photosInFlight = new ConcurrentHashMap<>();
        private final AtomicInteger pages = new AtomicInteger();
        private final AtomicInteger images = new AtomicInteger();
        private final AtomicInteger imagesReused = new AtomicInteger();
        private final AtomicInteger imageErrors = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();
        private final AtomicInteger gone = new AtomicInteger();
        private final AtomicInteger recipeSuccesses = new AtomicInteger();
        private final long t0 = System.nanoTime();
        private volatile Exception failure;
        private final java.util.concurrent.atomic.AtomicReference<String> firstProblem =
                new java.util.concurrent.atomic.AtomicReference<>();

        Run(Start start, Fetcher fetcher) {
            this.start = start;
            this.fetcher = fetcher;
            this.shop = start.shop();
            this.recipe = start.recipe();
            this.run = store.startOrResume(shop, start.label());
            int already = 0;
            if (run.resumed()) {
                for (Map.Entry<String, Integer> e : store.pageCounts(run.id()).entrySet()) {
                    if (!e.getKey().equals("queued")) {
                        already += e.getValue();
                    }
                }
            }
            this.frontier = new Frontier(options.maxPages(), already);
        }

        Summary crawl() throws RecipeMismatchException, InterruptedException {
            if (!run.resumed()) {
                store.enqueue(run.id(), seeds());
            }
            known.addAll(store.knownUrls(run.id()));
            frontier.add(store.queued(run.id()));
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < options.concurrency(); i++) {
                Thread t = new Thread(this::work, "lookalike-crawl-" + (i + 1));
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
            try {
                for (Thread t : workers) {
                    t.join();
                }
            } catch (InterruptedException e) {
                frontier.stop();
                workers.forEach(Thread::interrupt);
                // the crawl has stopped when run() returns: no worker may still write pages while the caller
                // (a test, a server) goes on, perhaps resuming the same run
                for (Thread t : workers) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                }
                throw e;
            }
            if (failure instanceof RecipeMismatchException r) {
                throw r;
            }
            if (failure instanceof InterruptedException ie) {
                throw ie;
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            fetcher.robots().notes().forEach((origin, note) -> listener.problem(origin + "/robots.txt", note));
            int removed = 0;
            String outcome;
            Map<String, Integer> before = store.pageCounts(run.id());
            if (before.getOrDefault("done", 0) == 0 && before.getOrDefault("failed", 0) > 0) {
                // nothing could be fetched: not a crawl that found the shop empty
                outcome = "failed";
            } else if (frontier.limited()) {
                outcome = "limited";
            } else {
                outcome = "complete";
                Map<String, Integer> counts = store.pageCounts(run.id());
                int total = counts.values().stream().mapToInt(Integer::intValue).sum();
                int failedPages = counts.getOrDefault("failed", 0);
                // A crawl that lost many pages to errors cannot tell what disappeared.
                if (store.productsFound(run.id()) > 0 && failedPages * 10 <= total) {
                    removed = store.markDisappeared(run.id(), shop);
                }
            }
            store.finish(run.id(), outcome);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Summary(shop, run.resumed(), pages.get(), recorded.size(), images.get(), imagesReused.get(),
                    imageErrors.get(), failed.get() + imageErrors.get(), skipped.get(), gone.get(), removed,
                    frontier.size(), outcome, seconds, fetcher.requests(), fetcher.retries(), fetcher.bytes(),
                    firstProblem.get());
        }

        private List<QueuedPage> seeds() throws InterruptedException {
            List<QueuedPage> seeds = new ArrayList<>();
            boolean sitemap = false;
            for (String url : start.urls()) {
                boolean isSitemap = looksLikeSitemap(url);
                sitemap |= isSitemap;
                seeds.add(new QueuedPage(url, isSitemap ? "sitemap" : "page", 0));
            }
            for (String s : fetcher.robots().sitemaps(start.urls().get(0))) {
                String url = Urls.normalise(s);
                if (url != null) {
                    seeds.add(new QueuedPage(url, "sitemap", 0));
                    sitemap = true;
                }
            }
            if (!sitemap) {
                URI first = URI.create(start.urls().get(0));
                seeds.add(new QueuedPage(Urls.normalise(first.getScheme() + "://" + first.getRawAuthority()
                        + "/sitemap.xml"), "sitemap", 0));
            }
            return seeds;
        }

        private void work() {
            while (true) {
                QueuedPage page;
                try {
                    page = frontier.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (page == null) {
                    return;
                }
                try {
                    if (page.kind().equals("sitemap")) {
                        sitemap(page);
                    } else {
                        page(page);
                    }
                    pages.incrementAndGet();
                    listener.progress(new Progress(pages.get(), frontier.size(), recorded.size(), images.get(),
                            failed.get() + imageErrors.get(), (System.nanoTime() - t0) / 1e9));
                } catch (RecipeMismatchException | InterruptedException | dev.lookalike.catalog.CatalogException e) {
                    failure = failure == null ? e : failure;
                    frontier.stop();
                } catch (RuntimeException e) {
                    // Bad input never stops the crawl: the page is recorded as failed with the reason.
                    String why = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage() + where(e);
                    try {
                        complete(page, PageState.FAILED, null, why, null, List.of());
                    } catch (RuntimeException again) {
                        failure = failure == null ? again : failure;
                        frontier.stop();
                    }
                } finally {
                    frontier.done();
                }
            }
        }

        private void page(QueuedPage page) throws RecipeMismatchException, InterruptedException {
            Fetcher.Response r;
            try {
                r = fetcher.fetch(page.url(), Fetcher.Expect.PAGE);
            } catch (FetchException e) {
                complete(page, state(e.kind()), e.status(), e.getMessage(), null, List.of());
                return;
            }
            String at = r.url();
            if (!sameShop(at)) {
                complete(page, PageState.SKIPPED, r.status(), "redirects off the shop to " + at, null, List.of());
                return;
            }
            String normalisedAt = Urls.normalise(at);
            if (normalisedAt != null) {
                known.add(normalisedAt);
            }
            Document doc;
            try {
                doc = Jsoup.parse(new ByteArrayInputStream(r.body()), charset(r.contentType()), at);
            } catch (IOException e) {
                complete(page, PageState.FAILED, r.status(), "cannot read the page: " + e.getMessage(), null, List.of());
                return;
            }
            String directives = robotsDirectives(doc, r);
            boolean noindex = directives.contains("noindex") || directives.contains("none");
            boolean nofollow = directives.contains("nofollow") || directives.contains("none");
            List<QueuedPage> found = nofollow ? List.of() : links(doc, page.depth() + 1);
            String productId = null;
            if (!noindex) {
                ScrapedProduct product = product(doc, at);
                if (product != null) {
                    productId = record(product);
                }
            }
            complete(page, PageState.DONE, r.status(), noindex ? "noindex" : null, productId, found);
        }

        private ScrapedProduct product(Document doc, String at) throws RecipeMismatchException {
            ProductExtractor.Reading reading = ProductExtractor.read(doc);
            for (String problem : reading.problems()) {
                listener.problem(at, problem);
            }
            ScrapedProduct generic = reading.product().orElse(null);
            if (recipe == null || !recipe.isProductPage(at, generic != null)) {
                return generic;
            }
            try {
                ScrapedProduct p = recipe.apply(doc, generic, canonical(doc, at));
                recipeSuccesses.incrementAndGet();
                return p;
            } catch (RecipeMismatchException e) {
                if (recipeSuccesses.get() == 0) {
                    throw e; // the recipe fits no page: stop and say which selector broke
                }
                listener.problem(at, e.getMessage());
                return generic;
            }
        }

        private String canonical(Document doc, String at) {
            Element link = doc.selectFirst("link[rel~=(?i)^canonical$][href]");
            String url = link == null ? null : Urls.normalise(link.absUrl("href"));
            if (url != null && sameShop(url)) {
                return url;
            }
            String n = Urls.normalise(at);
            return n != null ? n : at;
        }

        /** Stores the product and its photos; returns its id. A product seen twice in one crawl is stored once. */
        private String record(ScrapedProduct p) throws InterruptedException {
            String url = Urls.normalise(p.url());
            if (url == null) {
                url = p.url();
            }
            String id = Product.idFor(url);
            if (!recorded.add(id)) {
                return id;
            }
            db.upsertProduct(Product.of(url, p.name(), p.price(), p.currency(), p.brand(), shop, p.description(),
                    p.category()));
            store.setExtras(id, p.availability(), p.sku());
            List<String> urls = p.images().size() > MAX_IMAGES_PER_PRODUCT
                    ? p.images().subList(0, MAX_IMAGES_PER_PRODUCT) : p.images();
            int position = 0;
            for (String imageUrl : urls) {
                Linked photo = photo(imageUrl);
                db.linkImage(new ProductImage(id, imageUrl, photo.imageId(), photo.error(), position++));
            }
            store.unlinkImagesExcept(id, urls);
            return id;
        }

        /** The photo at {@code url}: stored before, fetched by another thread just now, or fetched here. */
        private Linked photo(String url) throws InterruptedException {
            Optional<String> stored = store.storedImage(url);
            if (stored.isPresent()) {
                imagesReused.incrementAndGet();
                return new Linked(stored.get(), db.image(stored.get()).map(ImageInfo::error).orElse(null));
            }
            CompletableFuture<Linked> mine = new CompletableFuture<>();
            CompletableFuture<Linked> other = photosInFlight.putIfAbsent(url, mine);
            if (other != null) {
                return other.join();
            }
            Linked result;
            try {
                Fetcher.Response r = fetcher.fetch(url, Fetcher.Expect.IMAGE);
                PhotoStore.Stored s = photos.store(r.body());
                result = new Linked(s.imageId(), s.error());
            } catch (FetchException e) {
                result = new Linked(null, e.getMessage());
            } catch (InterruptedException | RuntimeException e) {
                mine.complete(new Linked(null, "not fetched: " + e.getMessage()));
                throw e;
            }
            if (result.error() != null) {
                imageErrors.incrementAndGet();
                listener.problem(url, result.error());
            } else {
                images.incrementAndGet();
            }
            mine.complete(result);
            return result;
        }

        private void sitemap(QueuedPage page) throws InterruptedException {
            Fetcher.Response r;
            try {
                r = fetcher.fetch(page.url(), Fetcher.Expect.SITEMAP);
            } catch (FetchException e) {
                // A sitemap that is not there is no error: most shops have none at /sitemap.xml.
                PageState state = e.kind() == FetchException.Kind.GONE ? PageState.SKIPPED : state(e.kind());
                complete(page, state, e.status(), e.getMessage(), null, List.of());
                return;
            }
            byte[] body = r.body();
            String type = r.contentType();
            if (body.length > 2 && (body[0] & 0xFF) == 0x1F && (body[1] & 0xFF) == 0x8B) {
                body = Fetcher.gunzip(body, options.maxPageBytes());
                type = "text/xml";
                if (body == null) {
                    complete(page, PageState.FAILED, r.status(), "sitemap is not valid gzip or larger than "
                            + Fetcher.sizeText(options.maxPageBytes()) + " once decompressed", null, List.of());
                    return;
                }
            }
            if (type == null || type.isBlank() || type.contains("octet-stream")) {
                type = "text/xml";
            }
            AbstractSiteMap map;
            try {
                map = new SiteMapParser(false).parseSiteMap(type, body, new URL(r.url()));
            } catch (UnknownFormatException | IOException e) {
                complete(page, PageState.FAILED, r.status(), "not a sitemap: " + e.getMessage(), null, List.of());
                return;
            }
            List<QueuedPage> found = new ArrayList<>();
            if (map instanceof SiteMapIndex index) {
                for (AbstractSiteMap child : index.getSitemaps()) {
                    String url = Urls.normalise(child.getUrl().toString());
                    if (url != null && known.add(url)) {
                        found.add(new QueuedPage(url, "sitemap", page.depth()));
                    }
                }
            } else if (map instanceof SiteMap sm) {
                for (SiteMapURL u : sm.getSiteMapUrls()) {
                    String url = Urls.normalise(u.getUrl().toString());
                    if (url != null && follow(url) && known.add(url)) {
                        found.add(new QueuedPage(url, "page", page.depth() + 1));
                    }
                }
            }
            complete(page, PageState.DONE, r.status(), null, null, found);
        }

        private List<QueuedPage> links(Document doc, int depth) {
            List<QueuedPage> found = new ArrayList<>();
            int seen = 0;
            for (Element a : doc.select("a[href], area[href], link[rel~=(?i)^(next|prev)$][href]")) {
                if (++seen > MAX_LINKS_PER_PAGE) {
                    break;
                }
                if (a.attr("rel").toLowerCase(Locale.ROOT).contains("nofollow")) {
                    continue;
                }
                String url = Urls.normalise(a.absUrl("href"));
                if (url != null && follow(url) && known.add(url)) {
                    found.add(new QueuedPage(url, "page", depth));
                }
            }
            return found;
        }

        private boolean follow(String url) {
            if (!sameShop(url)) {
                return false;
            }
            String path = URI.create(url).getRawPath();
            if (path != null && NOT_PAGES.matcher(path).find()) {
                return false;
            }
            return recipe == null || recipe.follows(url);
        }

        private boolean sameShop(String url) {
            String host = Urls.host(url);
            if (host == null) {
                return false;
            }
            int port = URI.create(url).getPort();
            URI first = URI.create(start.urls().get(0));
            return stripWww(host).equals(stripWww(shop)) && port == first.getPort();
        }

        private void complete(QueuedPage page, PageState state, Integer status, String error, String productId,
                              List<QueuedPage> found) {
            store.complete(run.id(), new PageResult(page.url(), state, status, error, productId), found);
            frontier.add(found);
            switch (state) {
                case FAILED -> {
                    failed.incrementAndGet();
                    firstProblem.compareAndSet(null, page.url() + ": " + error);
                    listener.problem(page.url(), error);
                }
                case SKIPPED -> skipped.incrementAndGet();
                case GONE -> gone.incrementAndGet();
                default -> { }
            }
        }

        private String robotsDirectives(Document doc, Fetcher.Response r) {
            StringBuilder sb = new StringBuilder();
            for (Element m : doc.select("meta[name][content]")) {
                String name = m.attr("name").toLowerCase(Locale.ROOT);
                if (name.equals("robots") || name.equals(options.robotName())) {
                    sb.append(m.attr("content").toLowerCase(Locale.ROOT)).append(',');
                }
            }
            for (String v : r.headers().allValues("x-robots-tag")) {
                String value = v.toLowerCase(Locale.ROOT);
                int colon = value.indexOf(':');
                // "otherbot: noindex" is for another crawler
                if (colon > 0 && !value.substring(0, colon).contains(",")
                        && !value.substring(0, colon).strip().equals(options.robotName())
                        && !value.substring(0, colon).contains("unavailable_after")) {
                    continue;
                }
                sb.append(value).append(',');
            }
            return sb.toString();
        }
    }

    /** A photo link's outcome: the stored image id (or null) and the error (or null). */
    private record Linked(String imageId, String error) {}

    /** " at Class.method(File:line)" of the first frame in Lookalike's code: enough for a bug report. */
    private static String where(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("dev.lookalike.")) {
                return " at " + frame;
            }
        }
        return "";
    }

    private static PageState state(FetchException.Kind kind) {
        return switch (kind) {
            case SKIPPED -> PageState.SKIPPED;
            case GONE -> PageState.GONE;
            case FAILED -> PageState.FAILED;
        };
    }

    private static String stripWww(String host) {
        return host.startsWith("www.") ? host.substring(4) : host;
    }

    static boolean looksLikeSitemap(String url) {
        String path = URI.create(url).getRawPath().toLowerCase(Locale.ROOT);
        return path.endsWith(".xml") || path.endsWith(".xml.gz") || path.endsWith("sitemap.txt");
    }

    private static final Pattern CHARSET = Pattern.compile("(?i)charset=[\"']?([\\w.:-]+)");

    /** The charset the Content-Type names when Java knows it; null lets jsoup read it from the page. */
    static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = CHARSET.matcher(contentType);
        if (!m.find()) {
            return null;
        }
        try {
            return Charset.isSupported(m.group(1)) ? m.group(1) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The crawl's queue: shallowest pages first, then in the order found; {@link #take} waits while
     * other threads may still add pages, and returns null when the crawl is over or the page limit is met.
     */
    private static final class Frontier {
        private final PriorityQueue<Entry> queue = new PriorityQueue<>(
                Comparator.comparingInt((Entry e) -> e.page.depth()).thenComparingLong(e -> e.seq));
        private final int maxPages;
        private int started;
        private int inFlight;
        private long seq;
        private boolean stopped;
        private boolean limited;

        private record Entry(QueuedPage page, long seq) {}

        Frontier(int maxPages, int alreadyDone) {
            this.maxPages = maxPages;
            this.started = alreadyDone;
        }

        synchronized QueuedPage take() throws InterruptedException {
            while (!stopped && queue.isEmpty() && inFlight > 0) {
                wait();
            }
            if (stopped || queue.isEmpty()) {
                notifyAll();
                return null;
            }
            if (maxPages > 0 && started >= maxPages) {
                limited = true;
                notifyAll();
                return null;
            }
            started++;
            inFlight++;
            return queue.poll().page;
        }

        synchronized void done() {
            inFlight--;
            notifyAll();
        }

        synchronized void add(List<QueuedPage> pages) {
            for (QueuedPage p : pages) {
                queue.add(new Entry(p, seq++));
            }
            if (!pages.isEmpty()) {
                notifyAll();
            }
        }

        synchronized void stop() {
            stopped = true;
            notifyAll();
        }

        synchronized boolean limited() {
            return limited;
        }

        synchronized int size() {
            return queue.size();
        }
    }
}
