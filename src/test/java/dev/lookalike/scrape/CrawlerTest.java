package dev.lookalike.scrape;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.CrawlStore;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ImageDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crawls the local test shop over real HTTP and checks exactly what lands in the catalogue. */
class CrawlerTest {

    /** Fast settings: no politeness delay, short timeouts and backoff. */
    static CrawlOptions fast() {
        return CrawlOptions.defaults()
                .withConcurrency(4)
                .withDelay(Duration.ZERO)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(400))
                .withLimits(256 << 10, 1 << 20)
                .withRetries(2, Duration.ofMillis(20), Duration.ofSeconds(5));
    }

    @TempDir
    Path dir;

    TestShop shop;
    CatalogDb db;
    List<String> problems = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void open() {
        db = CatalogDb.open(dir.resolve("c.db"));
    }

    @AfterEach
    void close() {
        if (shop != null) {
            shop.close();
        }
        db.close();
    }

    Crawler.Summary crawl(String start, CrawlOptions options) throws Exception {
        Crawler crawler = new Crawler(db, new PhotoStore(db, new ImageDecoder()), options, new Crawler.Listener() {
            @Override
            public void progress(Crawler.Progress p) {}

            @Override
            public void problem(String url, String message) {
                problems.add(url + ": " + message);
            }
        });
        return crawler.run(Crawler.Start.of(start));
    }

    @Test
    void crawlsEveryMarkupStyleAndSurvivesEveryMisbehaviour() throws Exception {
        shop = TestShop.full();
        Crawler.Summary s = crawl(shop.url("/"), fast());

        Map<String, String> found = new TreeMap<>();
        for (Product p : db.products()) {
            found.put(p.name(), p.price() + " " + p.currency());
        }
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("Brass Desk Lamp", "79.5 EUR"),      // JSON-LD @graph, offers array: the lower offer
                Map.entry("Arc Floor Lamp", "39.0 USD"),       // ProductGroup: cheapest variant
                Map.entry("Chesterfield Sofa", "1299.0 GBP"),  // microdata, reached through a 301
                Map.entry("Oak Chair", "249.0 EUR"),           // RDFa
                Map.entry("Blue Vase", "1234.56 EUR"),         // OpenGraph only, "1.234,56"
                Map.entry("Swiss Clock", "1299.0 CHF"),        // partial JSON-LD: no name, "CHF 1'299.–"
                Map.entry("Cowboy Hat", "1299.0 null"),        // "$1,299" and currency "dollars": no guess
                Map.entry("Mystery Box", "12.5 USD"),          // AggregateOffer lowPrice, currency "usd"
                Map.entry("Cracked Plate", "5.0 EUR"),
                Map.entry("Hidden Gem", "7.0 EUR"),            // linked from a noindex page
                Map.entry("Sitemap Mug", "9.99 GBP"),          // only in the gzipped sitemap of the index
                Map.entry("Flaky Teapot", "20.0 EUR"),         // 500, then fine
                Map.entry("Busy Bee Mug", "8.5 EUR")));        // 429 Retry-After: 1, then fine
        assertEquals(expected, found, "problems: " + problems);
        assertEquals(13, s.products());
        assertEquals("complete", s.outcome());

        Product lamp = byName("Brass Desk Lamp");
        assertEquals(shop.url("/p/jsonld-lamp"), lamp.url());
        assertEquals(Product.idFor(shop.url("/p/jsonld-lamp")), lamp.id());
        assertEquals("Lumo", lamp.brand());
        assertEquals("A solid brass lamp.", lamp.description());
        assertEquals("Home > Lamps", lamp.category());
        assertEquals(shop.authority().split(":")[0], lamp.shop());
        String[] extras = new CrawlStore(db).extras(lamp.id()).orElseThrow();
        assertEquals("InStock", extras[0]);
        assertEquals("L-1", extras[1]);
        assertEquals(List.of(shop.url("/img/lamp-1.jpg"), shop.url("/img/lamp-2.jpg")), urls(lamp));

        Product sofa = byName("Chesterfield Sofa");
        assertEquals(shop.url("/p/microdata-sofa"), sofa.url());
        assertEquals("Oxley", sofa.brand());
        assertEquals("Home > Sofas", sofa.category());
        assertEquals("OutOfStock", new CrawlStore(db).extras(sofa.id()).orElseThrow()[0]);
        assertEquals(List.of(shop.url("/img/sofa.jpg")), urls(sofa), "lazy data-src over the placeholder");
        assertEquals(List.of(shop.url("/img/chair-large.jpg")), urls(byName("Oak Chair")), "largest srcset candidate");
        assertEquals("Kiln", byName("Blue Vase").brand());

        // The variant's photo has the same bytes as the lamp's: stored once, linked to both.
        List<ProductImage> arc = db.productImages(byName("Arc Floor Lamp").id());
        assertEquals(3, arc.size());
        assertEquals(db.productImages(lamp.id()).get(0).imageId(), arc.get(2).imageId());

        Map<String, String> plate = db.productImages(byName("Cracked Plate").id()).stream()
                .collect(Collectors.toMap(i -> i.url().substring(i.url().lastIndexOf('/') + 1),
                        i -> i.error() == null ? "ok" : i.error()));
        assertEquals("ok", plate.get("plate.jpg"));
        assertTrue(plate.get("html-as-jpeg.jpg").contains("looks like HTML"), plate.toString());
        assertEquals("HTTP 404", plate.get("missing.jpg"));
        assertTrue(plate.get("page.jpg").contains("text/html"), plate.toString());

        // 14 distinct photos that decode, plus the HTML page served as image/jpeg, kept with its error.
        assertEquals(15, db.countImages());

        // Politeness and robustness, page by page.
        assertEquals(0, shop.hits("/private/secret"), "robots.txt disallows /private/");
        assertEquals(0, shop.hits("/p/never"), "nofollow page's links are not followed");
        assertEquals(0, shop.hits("/cart/add"), "rel=nofollow links are not followed");
        assertEquals(0, shop.hits("/catalogue.pdf"), "links to non-pages are not fetched");
        assertEquals(1, shop.hits("/p/jsonld-lamp"), "tracking parameters and fragments normalised away");
        assertEquals(2, shop.hits("/flaky"));
        assertEquals(2, shop.hits("/busy"));
        assertEquals(3, shop.hits("/slow"), "timed out, retried twice");
        assertEquals(1, shop.hits("/missing.jpg") + shop.hits("/img/missing.jpg"), "404 is not retried");
        Map<String, String> states = pageStates();
        assertEquals("skipped disallowed by robots.txt", states.get(shop.url("/private/secret")));
        assertEquals("skipped not HTML: served as application/pdf", states.get(shop.url("/download")));
        assertTrue(states.get(shop.url("/slow")).startsWith("failed timed out"), states.get(shop.url("/slow")));
        assertEquals("failed larger than 256 KiB", states.get(shop.url("/huge")));
        assertTrue(states.get(shop.url("/loop-a")).startsWith("failed redirect loop"), states.get(shop.url("/loop-a")));
        assertEquals("done noindex", states.get(shop.url("/p/noindex")));
        assertFalse(states.containsKey("https://elsewhere.example/p/1"), "other hosts are not crawled");
        assertEquals(3, s.errors() - s.imageErrors(), "slow, huge, loop");
        assertEquals(3, s.imageErrors());
        assertTrue(problems.stream().anyMatch(p -> p.contains("JSON-LD block does not parse")), problems.toString());
    }

    @Test
    void rescrapeUpdatesInPlaceKeepsHistoryMarksRemovedAndReusesPhotos() throws Exception {
        shop = TestShop.empty();
        shop.html("/", "<a href='/p/a'>A</a> <a href='/p/b'>B</a> <a href='/p/c'>C</a>");
        shop.product("/p/a", "Lamp A", "10.00", "EUR", "/img/a.jpg");
        shop.product("/p/b", "Lamp B", "20.00", "EUR", "/img/b.jpg");
        shop.product("/p/c", "Lamp C", "30.00", "EUR", "/img/c.jpg");
        shop.route("/img/", (ex, hit) -> shop.send(ex, 200, "image/jpeg",
                TestShop.jpeg(ex.getRequestURI().getPath())));
        Crawler.Summary first = crawl(shop.url("/"), fast());
        assertEquals(3, first.products());
        assertEquals(3, first.images());
        int photoRequests = shop.hitsUnder("/img/");

        shop.product("/p/a", "Lamp A", "12.50", "EUR", "/img/a.jpg");     // price change
        shop.remove("/p/b");                                               // gone
        shop.product("/p/c", "Lamp C (new)", "30.00", "EUR", "/img/c.jpg"); // renamed
        Crawler.Summary second = crawl(shop.url("/"), fast());

        assertEquals(2, second.products());
        assertEquals(1, second.removed());
        assertEquals(0, second.images());
        assertEquals(2, second.imagesReused());
        assertEquals(photoRequests, shop.hitsUnder("/img/"), "unchanged photos are not downloaded again");
        CrawlStore store = new CrawlStore(db);
        String a = Product.idFor(shop.url("/p/a"));
        assertEquals(12.5, db.product(a).orElseThrow().price());
        assertEquals(List.of("10.0 EUR", "12.5 EUR"), store.priceHistory(a));
        String b = Product.idFor(shop.url("/p/b"));
        assertTrue(store.removedAt(b).isPresent(), "B disappeared");
        assertEquals("Lamp C (new)", db.product(Product.idFor(shop.url("/p/c"))).orElseThrow().name());
        assertEquals(2, db.products().size());
        assertEquals(3, count("SELECT count(*) FROM products"), "updated in place, nothing duplicated");

        // A crawl from another start (one product page) cannot tell what disappeared from the shop.
        Crawler.Summary narrow = crawl(shop.url("/p/a"), fast());
        assertEquals(0, narrow.removed());
        assertTrue(store.removedAt(Product.idFor(shop.url("/p/c"))).isEmpty());

        // B comes back: no longer removed.
        shop.product("/p/b", "Lamp B", "20.00", "EUR", "/img/b.jpg");
        crawl(shop.url("/"), fast());
        assertTrue(store.removedAt(b).isEmpty());
    }

    @Test
    void failingPageDoesNotMarkItsProductRemoved() throws Exception {
        shop = TestShop.empty();
        shop.html("/", "<a href='/p/a'>A</a> <a href='/p/b'>B</a> <a href='/p/c'>C</a> <a href='/p/d'>D</a>"
                + "<a href='/p/e'>E</a> <a href='/p/f'>F</a> <a href='/p/g'>G</a> <a href='/p/h'>H</a> <a href='/p/i'>I</a>");
        for (String p : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
            shop.product("/p/" + p, "Item " + p, "1", "EUR", "/img/" + p + ".jpg");
        }
        shop.route("/img/", (ex, hit) -> shop.send(ex, 200, "image/jpeg", TestShop.jpeg(ex.getRequestURI().getPath())));
        crawl(shop.url("/"), fast());
        shop.route("/p/a", (ex, hit) -> shop.send(ex, 503, "text/html", "down"));
        Crawler.Summary again = crawl(shop.url("/"), fast());
        assertEquals(0, again.removed());
        assertTrue(new CrawlStore(db).removedAt(Product.idFor(shop.url("/p/a"))).isEmpty());
    }

    @Test
    void maxPagesLimitsTheCrawlAndMarksNothingRemoved() throws Exception {
        shop = TestShop.full();
        Crawler.Summary s = crawl(shop.url("/"), fast().withMaxPages(3));
        assertEquals("limited", s.outcome());
        assertEquals(3, s.pages());
        assertEquals(0, s.removed());
        assertTrue(s.queued() > 0);
    }

    @Test
    void interruptedCrawlResumesWithNothingLostOrDuplicated() throws Exception {
        shop = TestShop.empty();
        StringBuilder home = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            home.append("<a href='/p/").append(i).append("'>").append(i).append("</a>\n");
            shop.product("/p/" + i, "Item " + i, String.valueOf(i + 1), "EUR", "/img/" + i + ".jpg");
        }
        shop.html("/", home.toString());
        shop.route("/img/", (ex, hit) -> shop.send(ex, 200, "image/jpeg", TestShop.jpeg(ex.getRequestURI().getPath())));
        Thread crawlThread = Thread.currentThread();
        CrawlOptions slow = fast().withConcurrency(2).withDelay(Duration.ofMillis(5));
        Crawler crawler = new Crawler(db, new PhotoStore(db, new ImageDecoder()), slow, new Crawler.Listener() {
            @Override
            public void progress(Crawler.Progress p) {
                if (p.pages() == 12) {
                    crawlThread.interrupt();
                }
            }

            @Override
            public void problem(String url, String message) {}
        });
        try {
            crawler.run(Crawler.Start.of(shop.url("/")));
            throw new AssertionError("the crawl should have been interrupted");
        } catch (InterruptedException expected) {
            // as if killed
        }
        Thread.interrupted();
        int before = db.products().size();
        assertTrue(before > 0 && before < 40, "interrupted mid-crawl: " + before);

        Crawler.Summary resumed = crawl(shop.url("/"), slow);
        assertTrue(resumed.resumed());
        assertEquals("complete", resumed.outcome());
        assertEquals(40, db.products().size(), () -> "pages not done: " + notDone());
        assertEquals(40, count("SELECT count(*) FROM products"));
        assertEquals(40, count("SELECT count(*) FROM product_images"));
        assertEquals(40, db.countImages());
        assertEquals(1, count("SELECT count(*) FROM crawl_runs"));
        int productFetches = 0;
        for (int i = 0; i < 40; i++) {
            productFetches += shop.hits("/p/" + i);
        }
        assertTrue(productFetches <= 40 + 2, "only pages in flight at the interruption are fetched again: "
                + productFetches);
    }

    @Test
    void perHostDelayAndCrawlDelayAreHonoured() throws Exception {
        shop = TestShop.empty();
        shop.text("/robots.txt", "User-agent: *\nCrawl-delay: 0.2\n", "text/plain");
        shop.html("/", "<a href='/1'>1</a><a href='/2'>2</a><a href='/3'>3</a><a href='/4'>4</a>");
        for (int i = 1; i <= 4; i++) {
            shop.html("/" + i, "<p>page " + i + "</p>");
        }
        crawl(shop.url("/"), fast().withConcurrency(4));
        List<Long> times = new ArrayList<>(shop.arrivals);
        assertTrue(times.size() >= 6, times.toString());
        // robots.txt itself comes before its Crawl-delay is known
        for (int i = 2; i < times.size(); i++) {
            long gapMs = (times.get(i) - times.get(i - 1)) / 1_000_000;
            assertTrue(gapMs >= 180, "requests " + (i - 1) + " and " + i + " only " + gapMs + " ms apart");
        }
    }

    @Test
    void startingFromASitemapCrawlsItsPages() throws Exception {
        shop = TestShop.full();
        Crawler.Summary s = crawl(shop.url("/sitemaps/products.xml.gz"), fast());
        assertNotNull(byName("Sitemap Mug"));
        assertTrue(s.products() >= 2);
    }

    @Test
    void robotsTxtForbiddingEverythingFetchesNothing() throws Exception {
        shop = TestShop.full();
        shop.text("/robots.txt", "User-agent: lookalikebot\nDisallow: /\n", "text/plain");
        Crawler.Summary s = crawl(shop.url("/"), fast());
        assertEquals(0, s.products());
        assertEquals(1, shop.requests.get(), "only robots.txt itself");
    }

    Product byName(String name) {
        return db.products().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no product " + name + "; problems: " + problems));
    }

    List<String> urls(Product p) {
        return db.productImages(p.id()).stream().map(ProductImage::url).toList();
    }

    Map<String, String> pageStates() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT url, state, error FROM crawl_pages")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + (rs.getString(3) == null ? "" : " " + rs.getString(3)));
            }
        }
        return out;
    }

    /** Every crawl page that did not end done, with its state and error, for a failure message. */
    String notDone() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT url, state, error FROM crawl_pages WHERE state <> 'done'")) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3)).append("; ");
            }
            return out.toString();
        } catch (Exception e) {
            return "(cannot read crawl_pages: " + e.getMessage() + ")";
        }
    }

    int count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
