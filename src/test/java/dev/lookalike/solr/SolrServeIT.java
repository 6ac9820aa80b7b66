package dev.lookalike.solr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.cli.App;
import dev.lookalike.embed.ModelLocator;
import dev.lookalike.embed.Vectors;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.Match;
import dev.lookalike.search.Mode;
import dev.lookalike.search.ResultPage;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.Sort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Serving from SolrCloud ({@code lookalike.index=solr}) against serving from memory, on one catalogue pushed to a
 * real 2-node SolrCloud (2 shards × 2 replicas): the same query model, so the same answers up to HNSW's
 * approximation. Text queries (the colour fixture model's text tower), "more like this", cheaper lookalikes,
 * filters, paging and the offers of one item across shops are asked of both, in this JVM, and their top 10
 * compared (recall@10 ≥ 0.95, scores equal where both found a product); then the packaged {@code serve} answers
 * the JSON API from Solr as it answers from memory; then with one node stopped queries still answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolrServeIT {

    static final int PRODUCTS = 1500;
    static final int DIM = 8; // the colour fixture model's
    static final String MODEL = "colour-clip";
    static final String COLLECTION = "served";
    static final Path MODEL_DIR = Path.of("src/test/resources/models/colour-clip").toAbsolutePath();
    static final String[] COLOURS = {"red", "green", "blue", "yellow", "purple", "black", "white", "gold"};
    static final String[] SHOPS = {"North Shop", "South Shop", "East Shop"};
    static final SearchService.Settings SETTINGS = new SearchService.Settings(0.5, 1.0, 0.25, 64, 0);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Path work;
    static Path catalog;
    static SolrCloud solr;
    static LiveSearch memory;
    static LiveSearch remote;
    static final List<String> ids = new ArrayList<>();
    static String twinA;
    static String twinB;

    @BeforeAll
    static void pushACatalogueAndOpenBothIndexes() throws Exception {
        work = Files.createTempDirectory("solr-serve-it");
        catalog = work.resolve("shop.db");
        writeCatalogue();
        solr = SolrCloud.start(2, work.resolve("solr"));
        App.Result r = App.run(work, "solr", "push", "--catalog", catalog.toString(), "--solr", solr.url(0),
                "--collection", COLLECTION, "--shards", "2", "--replicas", "2");
        assertEquals(0, r.exit(), r.err());
        solr.waitForActive(COLLECTION, 2, 2);
        memory = LiveSearch.of(CatalogDb.openForReading(catalog, true), ModelLocator.loadDirectory(MODEL_DIR), SETTINGS,
                LiveSearch.Precompute.OFF);
        SolrHttp http = new SolrHttp(String.join(",", solr.urls()), Duration.ofSeconds(30), 3, Duration.ofMillis(200));
        remote = LiveSearch.of(CatalogDb.openForReading(catalog, true), ModelLocator.loadDirectory(MODEL_DIR), SETTINGS,
                LiveSearch.Precompute.OFF, SolrIndex.indexer(http, COLLECTION));
    }

    @AfterAll
    static void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {memory, remote, solr}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /**
     * Products of eight colours (their vectors near the colour fixture's image vector of that colour), named after
     * it, 1–3 photos each, in three shops; one item offered by two shops with the same photo.
     */
    static void writeCatalogue() throws Exception {
        Random rnd = new Random(29);
        try (CatalogDb db = CatalogDb.open(catalog)) {
            Collection c = db.collection(MODEL, MODEL);
            List<NewVector> vectors = new ArrayList<>();
            for (int i = 0; i < PRODUCTS; i++) {
                int colour = rnd.nextInt(COLOURS.length);
                String url = "https://shop.test/p/" + i;
                Product p = Product.of(url, COLOURS[colour] + " " + (i % 3 == 0 ? "lamp" : "chair") + " " + i,
                        5 + rnd.nextInt(20000) / 100.0, "EUR", "Brand " + rnd.nextInt(5), SHOPS[i % SHOPS.length], null,
                        i % 2 == 0 ? "Lamps" : "Chairs");
                db.upsertProduct(p);
                ids.add(p.id());
                int photos = 1 + rnd.nextInt(3);
                for (int k = 0; k < photos; k++) {
                    byte[] bytes = ("photo " + i + "/" + k).getBytes(StandardCharsets.UTF_8);
                    String image = db.putImage(bytes, 1, 1, "png", null, null);
                    db.linkImage(new ProductImage(p.id(), url + "/" + k + ".jpg", image, null, k));
                    vectors.add(new NewVector(image, near(colour, rnd), CatalogDb.md5(bytes), null));
                }
            }
            byte[] twinPhoto = "the twin lamp".getBytes(StandardCharsets.UTF_8);
            String image = db.putImage(twinPhoto, 1, 1, "png", null, null);
            vectors.add(new NewVector(image, near(0, rnd), CatalogDb.md5(twinPhoto), null));
            List<String> twins = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                String url = "https://shop" + s + ".test/twin-lamp";
                Product p = Product.of(url, "Red Twin Lamp", 40.0 + s, "EUR", "Acme", SHOPS[s], null, "Lamps");
                db.upsertProduct(p);
                db.linkImage(new ProductImage(p.id(), url + "/0.jpg", image, null, 0));
                twins.add(p.id());
                ids.add(p.id());
            }
            twins.sort(null);
            twinA = twins.get(0);
            twinB = twins.get(1);
            db.saveVectors(c.id(), vectors);
        }
    }

    /** A unit vector near the colour fixture's image vector of a solid photo of colour {@code c}, with noise. */
    static float[] near(int c, Random rnd) {
        float[][] rgb = {{1, 0, 0}, {0, 0.6f, 0}, {0, 0, 1}, {1, 1, 0}, {0.5f, 0, 0.5f}, {0, 0, 0}, {1, 1, 1},
                {1, 0.78f, 0.16f}};
        float r = rgb[c][0];
        float g = rgb[c][1];
        float b = rgb[c][2];
        float m = (r + g + b) / 3;
        float[] v = {2 * (r - m), 2 * (g - m), 2 * (b - m), 1.5f * (m - 0.5f), 0.1f, 0.1f, 0.1f, 0.1f};
        for (int d = 0; d < DIM; d++) {
            v[d] += (float) (rnd.nextGaussian() * 0.25);
        }
        return Vectors.normalize(v);
    }

    record Asked(String what, SearchService.Query query) {}

    /** What shoppers ask: words, looks, both, filters, more like this, cheaper lookalikes, sorted by price. */
    static List<Asked> queries() {
        List<Asked> out = new ArrayList<>();
        SearchFilter cheapLamps = new SearchFilter(null, 60.0, null, null, "lamps", null, null, null);
        SearchFilter north = new SearchFilter(null, null, "north shop", null, null, null, null, null);
        for (String text : List.of("red", "gold purple", "blue lamp", "green -lamp", "black chair", "white")) {
            for (Mode mode : Mode.values()) {
                out.add(new Asked(text + " " + mode, new SearchService.Query(text, null, false, SearchFilter.NONE, mode,
                        Sort.RELEVANCE, false, false, null)));
            }
            out.add(new Asked(text + " cheap lamps", new SearchService.Query(text, null, false, cheapLamps)));
            out.add(new Asked(text + " north", new SearchService.Query(text, null, false, north)));
        }
        Random rnd = new Random(3);
        for (int i = 0; i < 25; i++) {
            String like = ids.get(rnd.nextInt(PRODUCTS));
            out.add(new Asked("like " + like, new SearchService.Query(null, like, false, SearchFilter.NONE)));
            out.add(new Asked("cheaper than " + like, new SearchService.Query(null, like, true, SearchFilter.NONE)));
            out.add(new Asked("like " + like + " +yellow", new SearchService.Query("yellow", like, false, north)));
        }
        out.add(new Asked("red by price", new SearchService.Query("red", null, false, SearchFilter.NONE, Mode.LOOK,
                Sort.PRICE, false, false, null)));
        out.add(new Asked("red diverse", new SearchService.Query("red", null, false, SearchFilter.NONE, Mode.LOOK,
                Sort.RELEVANCE, false, true, null)));
        return out;
    }

    @Test
    @Order(1)
    void solrAnswersWhatMemoryAnswers() {
        // push routes by product, so that collapsing a product's photos happens within one shard
        JsonNode router = solr.client(0).clusterStatus(COLLECTION).path("cluster").path("collections").path(COLLECTION)
                .path("router");
        assertEquals("product_id", router.path("field").asText(), router.toString());
        assertSameAnswers("both nodes up");
    }

    /** Recall@10 of the Solr-backed answers against the in-memory ones, over every query; each answer obeys its filter. */
    static void assertSameAnswers(String when) {
        int found = 0;
        int wanted = 0;
        int differentTotals = 0;
        List<Asked> asked = queries();
        for (Asked a : asked) {
            ResultPage want = memory.service().search(a.query(), 10, 0);
            ResultPage got = remote.service().search(a.query(), 10, 0);
            Map<String, Match> byId = new LinkedHashMap<>();
            for (Match m : got.results()) {
                byId.put(m.product().id(), m);
                assertTrue(a.query().filter().accepts(m.product()), a.what() + ": " + m.product() + " fails the filter");
            }
            for (Match m : want.results()) {
                Match other = byId.get(m.product().id());
                if (other != null) {
                    found++;
                    // Solr's score (1 + cos) / 2, turned back, is the cosine to a float's precision
                    assertEquals(m.score(), other.score(), 2e-6, a.what() + ": " + m.product().id());
                    assertEquals(m.offers().size(), other.offers().size(), a.what() + ": offers of " + m.product().id());
                }
            }
            wanted += want.results().size();
            if (want.total() != got.total()) {
                differentTotals++;
            }
            assertEquals(want.results().isEmpty(), got.results().isEmpty(), a.what());
        }
        double recall = wanted == 0 ? 1 : found / (double) wanted;
        System.out.printf("SolrServeIT (%s): %d queries, recall@10 %.4f against the in-memory index, %d totals differ%n",
                when, asked.size(), recall, differentTotals);
        assertTrue(wanted > asked.size() * 5, "the queries find things: " + wanted);
        assertTrue(recall >= 0.95, when + ": recall@10 " + recall);
    }

    @Test
    @Order(2)
    void oneItemInTwoShopsIsOneResultWithBothOffers() {
        ResultPage page = remote.service().search(new SearchService.Query("red twin lamp", null, false, SearchFilter.NONE), 10, 0);
        Match twin = page.results().stream().filter(m -> m.product().id().equals(twinA) || m.product().id().equals(twinB))
                .findFirst().orElseThrow(() -> new AssertionError("the twin lamp is not found by its name"));
        Set<String> offers = new HashSet<>();
        twin.offers().forEach(o -> offers.add(o.productId()));
        assertEquals(Set.of(twinA, twinB), offers);
        assertEquals(1, page.results().stream().filter(m -> offers.contains(m.product().id())).count(),
                "one result for one item");
    }

    @Test
    @Order(3)
    void theServedApiAnswersFromSolrAsFromMemory() throws Exception {
        int port = freePort();
        ProcessBuilder pb = App.builder(work, "serve", "--port", String.valueOf(port), "--catalog", catalog.toString(),
                "--model", MODEL_DIR.toString());
        // as the README says to start it
        pb.environment().put("LOOKALIKE_INDEX", "solr");
        pb.environment().put("LOOKALIKE_SOLR_URL", String.join(",", solr.urls()));
        pb.environment().put("LOOKALIKE_SOLR_COLLECTION", COLLECTION);
        Path err = work.resolve("serve-err.txt");
        pb.redirectError(err.toFile()).redirectOutput(work.resolve("serve-out.txt").toFile());
        Process p = pb.start();
        try {
            waitReady(p, port, err);
            for (String like : List.of(ids.get(1), ids.get(2), twinB)) {
                JsonNode api = JSON.readTree(get(port, "/api/products/" + enc(like) + "/similar?limit=10").body());
                List<String> served = new ArrayList<>();
                api.path("results").forEach(r -> served.add(r.path("id").asText()));
                List<String> inMemory = new ArrayList<>();
                memory.service().search(new SearchService.Query(null, like, false, SearchFilter.NONE), 10, 0).results()
                        .forEach(m -> inMemory.add(m.product().id()));
                assertFalse(served.isEmpty(), api.toString());
                assertTrue(overlap(inMemory, served) >= 9, like + ": " + served + " vs " + inMemory);
            }
            JsonNode text = JSON.readTree(get(port, "/api/search?q=" + enc("gold purple") + "&limit=10").body());
            assertEquals(10, text.path("results").size(), text.toString());
            assertTrue(Files.readString(err).contains("products"), Files.readString(err));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop");
        }
    }

    @Test
    @Order(4)
    void withOneNodeStoppedQueriesStillAnswer() throws Exception {
        solr.stopNode(1);
        assertSameAnswers("node 1 stopped");
    }

    static int overlap(List<String> a, List<String> b) {
        Set<String> s = new HashSet<>(a);
        int n = 0;
        for (String x : b) {
            if (s.contains(x)) {
                n++;
            }
        }
        return n;
    }

    static void waitReady(Process p, int port, Path err) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            assertTrue(p.isAlive(), "serve exited: " + Files.readString(err));
            try {
                if (get(port, "/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the port is not open yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("serve was not ready in 90 s: " + Files.readString(err));
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
