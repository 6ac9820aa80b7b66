package dev.lookalike.solr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.cli.App;
import dev.lookalike.embed.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lookalike solr push}, run from the packaged jar as a user runs it, against a real SolrCloud of 2 nodes
 * (solr-test-framework's MiniSolrCloudCluster) with a collection of 2 shards × 2 replicas: the documents arrive
 * as the contract says, {@code {!knn}} finds the photos an exact scan finds, a second push sends nothing, a
 * change sends only itself, a push killed with SIGKILL resumes without sending again what Solr acknowledged,
 * and with one node stopped queries still answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolrCloudIT {

    static final int DIM = 32;
    static final int PRODUCTS = 300;
    static final int CLUSTERS = 12;
    static final String MODEL = "synthetic-32";
    static final String COLLECTION = "looks";
    static final ObjectMapper JSON = new ObjectMapper();

    static Path work;
    static Path catalog;
    static SolrCloud solr;
    static SolrHttp http;
    /** Every live product's photo document id → its unit vector, as the catalogue holds it. */
    static final Map<String, float[]> photoVectors = new LinkedHashMap<>();
    /** Product id → its photos' image ids in shop order. */
    static final Map<String, List<String>> photosOf = new LinkedHashMap<>();
    static final Map<String, Product> products = new LinkedHashMap<>();
    static String twinA;
    static String twinB;
    static float[][] centres;

    @BeforeAll
    static void startSolrAndWriteCatalogue() throws Exception {
        work = Files.createTempDirectory("solr-it");
        catalog = work.resolve("shop.db");
        writeCatalogue();
        solr = SolrCloud.start(2, work.resolve("solr"));
        http = solr.client(0);
    }

    @AfterAll
    static void stopSolr() throws Exception {
        if (solr != null) {
            solr.close();
        }
    }

    /** Products in clusters of look, 1–3 photos each, two shops; one item offered by both shops with one photo. */
    static void writeCatalogue() {
        Random rnd = new Random(13);
        centres = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centres[c] = gaussian(rnd, 1.0);
        }
        String[] shops = {"North Shop", "South Shop"};
        String[] brands = {"Acme", "Globex", "Initech", "Umbrella"};
        String[] categories = {"Lamps", "Chairs", "Tables"};
        try (CatalogDb db = CatalogDb.open(catalog)) {
            Collection c = db.collection(MODEL, MODEL);
            List<NewVector> vectors = new ArrayList<>();
            for (int i = 0; i < PRODUCTS; i++) {
                String url = "https://shop.test/p/" + i;
                Product p = Product.of(url, "Item " + word(i) + " " + i, 10 + rnd.nextInt(9000) / 100.0, "EUR",
                        brands[rnd.nextInt(brands.length)], shops[i % 2], null, categories[rnd.nextInt(categories.length)]);
                db.upsertProduct(p);
                products.put(p.id(), p);
                float[] centre = centres[rnd.nextInt(CLUSTERS)];
                int photos = 1 + rnd.nextInt(3);
                List<String> images = new ArrayList<>();
                for (int k = 0; k < photos; k++) {
                    byte[] bytes = ("photo " + i + "/" + k).getBytes(StandardCharsets.UTF_8);
                    String image = db.putImage(bytes, 1, 1, "png", null, null);
                    db.linkImage(new ProductImage(p.id(), url + "/" + k + ".jpg", image, null, k));
                    float[] noise = gaussian(rnd, 0.35);
                    float[] v = new float[DIM];
                    for (int d = 0; d < DIM; d++) {
                        v[d] = centre[d] + noise[d];
                    }
                    v = Vectors.normalize(v);
                    vectors.add(new NewVector(image, v, CatalogDb.md5(bytes), null));
                    images.add(image);
                    photoVectors.put(SolrDocuments.photoDocId(p.id(), image), v);
                }
                photosOf.put(p.id(), images);
            }
            // the same item in both shops: the same name and the same photo
            byte[] twinPhoto = "the twin lamp photo".getBytes(StandardCharsets.UTF_8);
            String image = db.putImage(twinPhoto, 1, 1, "png", null, null);
            float[] v = Vectors.normalize(gaussian(rnd, 1.0));
            vectors.add(new NewVector(image, v, CatalogDb.md5(twinPhoto), null));
            List<String> twins = new ArrayList<>();
            for (String shop : shops) {
                String url = "https://" + shop.replace(' ', '-').toLowerCase() + ".test/twin-lamp";
                Product p = Product.of(url, "Brass Twin Lamp", 49.0, "EUR", "Acme", shop, null, "Lamps");
                db.upsertProduct(p);
                db.linkImage(new ProductImage(p.id(), url + "/0.jpg", image, null, 0));
                products.put(p.id(), p);
                photosOf.put(p.id(), List.of(image));
                photoVectors.put(SolrDocuments.photoDocId(p.id(), image), v);
                twins.add(p.id());
            }
            twins.sort(Comparator.naturalOrder());
            twinA = twins.get(0);
            twinB = twins.get(1);
            db.saveVectors(c.id(), vectors);
        }
    }

    @Test
    @Order(1)
    void firstPushCreatesTheCollectionAndSendsEveryDocument() throws Exception {
        JsonNode s = push(COLLECTION, "--shards", "2", "--replicas", "2", "--batch", "100");
        int documents = products.size() + photoVectors.size();
        assertEquals(COLLECTION, s.get("collection").asText());
        assertEquals(documents, s.get("documents").asInt(), s.toString());
        assertEquals(documents, s.get("sent").asInt());
        assertEquals(0, s.get("deleted").asInt());
        assertEquals(0, s.get("unchanged").asInt());

        JsonNode state = http.clusterStatus(COLLECTION).path("cluster").path("collections").path(COLLECTION);
        assertEquals(2, state.path("shards").size(), state.toString());
        for (JsonNode shard : state.path("shards")) {
            assertEquals(2, shard.path("replicas").size(), shard.toString());
        }
        assertEquals(documents, http.count(COLLECTION, "*:*"));
        assertEquals(products.size(), http.count(COLLECTION, "type:product"));
        assertEquals(photoVectors.size(), http.count(COLLECTION, "type:photo"));
    }

    @Test
    @Order(2)
    void documentsFollowTheContract() throws Exception {
        String pid = products.keySet().iterator().next();
        Product p = products.get(pid);
        JsonNode doc = byId(SolrDocuments.productDocId(pid));
        assertEquals("product", doc.path("type").asText());
        assertEquals(pid, doc.path("product_id").asText());
        assertEquals(photosOf.get(pid).get(0), doc.path("image_id").asText(), "the product's first photo in shop order");
        assertEquals(pid, doc.path("group_id").asText(), "a product alone is its own group");
        assertEquals(p.name(), doc.path("name").asText());
        assertEquals(p.url(), doc.path("url").asText());
        assertEquals(p.price(), doc.path("price").asDouble(), 1e-9);
        assertEquals("EUR", doc.path("currency").asText());
        assertEquals(p.shop(), doc.path("shop").asText());
        assertEquals(p.shop().toLowerCase(), doc.path("shop_lc").asText());
        assertEquals(p.brand(), doc.path("brand").asText());
        assertEquals(p.brand().toLowerCase(), doc.path("brand_lc").asText());
        assertEquals(p.category(), doc.path("category").asText());
        assertEquals(p.category().toLowerCase(), doc.path("category_lc").asText());
        assertEquals(MODEL, doc.path("model").asText());
        float[] first = photoVectors.get(SolrDocuments.photoDocId(pid, photosOf.get(pid).get(0)));
        assertVector(first, doc.path("vector"));

        for (String image : photosOf.get(pid)) {
            JsonNode photo = byId(SolrDocuments.photoDocId(pid, image));
            assertEquals("photo", photo.path("type").asText());
            assertEquals(image, photo.path("image_id").asText());
            assertEquals(pid, photo.path("product_id").asText());
            assertVector(photoVectors.get(SolrDocuments.photoDocId(pid, image)), photo.path("vector"));
        }

        // the twins are one item offered by two shops: one group, named by the smaller id
        assertEquals(twinA, byId(SolrDocuments.productDocId(twinA)).path("group_id").asText());
        assertEquals(twinA, byId(SolrDocuments.productDocId(twinB)).path("group_id").asText());
        assertEquals(twinA, byId(SolrDocuments.photoDocId(twinB, photosOf.get(twinB).get(0))).path("group_id").asText());
    }

    @Test
    @Order(3)
    void knnFindsThePhotosAnExactScanFinds() {
        Random rnd = new Random(7);
        for (int q = 0; q < 6; q++) {
            assertKnnIsExact(http, lookLike(rnd, q));
        }
    }

    @Test
    @Order(4)
    void aSecondPushSendsNothing() throws Exception {
        JsonNode s = push(COLLECTION);
        int documents = products.size() + photoVectors.size();
        assertEquals(documents, s.get("documents").asInt(), s.toString());
        assertEquals(0, s.get("sent").asInt());
        assertEquals(0, s.get("deleted").asInt());
        assertEquals(documents, s.get("unchanged").asInt());
    }

    @Test
    @Order(5)
    void aChangeSendsOnlyItselfAndARemovalDeletesOnlyItself() throws Exception {
        List<String> ids = new ArrayList<>(products.keySet());
        String changed = ids.get(10);
        String removed = ids.get(20);
        Product before = products.get(changed);
        Product after = new Product(before.id(), before.url(), before.name(), before.price() + 1.5, before.currency(),
                before.brand(), before.shop(), before.description(), before.category());
        try (CatalogDb db = CatalogDb.open(catalog)) {
            db.upsertProduct(after);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement ps = c.prepareStatement("UPDATE products SET removed_at = 1 WHERE id = ?")) {
            ps.setString(1, removed);
            assertEquals(1, ps.executeUpdate());
        }
        products.put(changed, after);
        int removedPhotos = photosOf.get(removed).size();
        JsonNode s = push(COLLECTION);
        int documents = products.size() + photoVectors.size() - 1 - removedPhotos;
        assertEquals(documents, s.get("documents").asInt(), s.toString());
        assertEquals(1 + photosOf.get(changed).size(), s.get("sent").asInt(), "the product and its photos: " + s);
        assertEquals(1 + removedPhotos, s.get("deleted").asInt(), s.toString());
        assertEquals(documents - s.get("sent").asInt(), s.get("unchanged").asInt());

        assertEquals(documents, http.count(COLLECTION, "*:*"));
        assertEquals(0, http.count(COLLECTION, "{!term f=product_id}" + removed));
        assertEquals(after.price(), byId(SolrDocuments.productDocId(changed)).path("price").asDouble(), 1e-9);
        for (String image : photosOf.get(changed)) {
            assertEquals(after.price(), byId(SolrDocuments.photoDocId(changed, image)).path("price").asDouble(), 1e-9);
        }
        products.remove(removed);
        for (String image : photosOf.remove(removed)) {
            photoVectors.remove(SolrDocuments.photoDocId(removed, image));
        }
    }

    @Test
    @Order(6)
    void aKilledPushResumesWithoutSendingAgainWhatSolrAcknowledged() throws Exception {
        String collection = "resumed";
        int documents = products.size() + photoVectors.size();
        // both nodes, as a user who wants to survive one node's loss passes them
        String nodes = solr.url(1) + "," + solr.url(0);
        Process p = App.builder(work, "solr", "push", "--catalog", catalog.toString(), "--solr", nodes,
                        "--collection", collection, "--shards", "2", "--replicas", "1", "--batch", "2")
                .redirectOutput(work.resolve("kill-out.txt").toFile())
                .redirectError(work.resolve("kill-err.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline && recorded(collection) == 0) {
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int atKill = recorded(collection);
        assertTrue(atKill > 0 && atKill < documents, "the kill must land mid-push (recorded at kill: " + atKill
                + " of " + documents + "; " + Files.readString(work.resolve("kill-err.txt")) + ")");

        JsonNode s = pushVia(solr.url(0) + "," + solr.url(1), collection);
        assertEquals(documents, s.get("documents").asInt(), s.toString());
        // exactly what the record lacked goes again: the batch in flight at the kill, and what came after it
        assertEquals(documents - atKill, s.get("sent").asInt(), s.toString());
        assertEquals(atKill, s.get("unchanged").asInt(), s.toString());
        assertEquals(0, s.get("deleted").asInt());
        assertEquals(documents, http.count(collection, "*:*"));
        assertEquals(documents, recorded(collection));

        // the collection recreated empty behind push's back: Solr's count no longer matches the record, so all goes again
        http.deleteCollection(collection);
        JsonNode again = pushVia(solr.url(0) + "," + solr.url(1), collection, "--shards", "1");
        assertEquals(documents, again.get("sent").asInt(), again.toString());
        assertEquals(0, again.get("unchanged").asInt(), again.toString());
        assertEquals(0, again.get("deleted").asInt(), again.toString());
        assertEquals(documents, http.count(collection, "*:*"));
        assertEquals(documents, recorded(collection));
    }

    @Test
    @Order(7)
    void aVectorOfAnotherLengthIsRefused() throws Exception {
        Path other = work.resolve("other.db");
        try (CatalogDb db = CatalogDb.open(other)) {
            Collection c = db.collection("synthetic-16", "synthetic-16");
            Product p = Product.of("https://shop.test/other", "Other", 1.0, "EUR", null, "North Shop", null, null);
            db.upsertProduct(p);
            byte[] bytes = "other photo".getBytes(StandardCharsets.UTF_8);
            String image = db.putImage(bytes, 1, 1, "png", null, null);
            db.linkImage(new ProductImage(p.id(), p.url() + "/0.jpg", image, null, 0));
            db.saveVectors(c.id(), List.of(new NewVector(image, Vectors.normalize(gaussian(new Random(1), 1.0, 16)),
                    CatalogDb.md5(bytes), null)));
        }
        App.Result r = App.run(work, "solr", "push", "--catalog", other.toString(), "--solr", solr.url(0),
                "--collection", COLLECTION);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("32 dimensions") && r.err().contains("16"), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("lookalike:")).count(), r.err());
    }

    @Test
    @Order(8)
    void withOneNodeStoppedQueriesStillAnswer() throws Exception {
        int documents = products.size() + photoVectors.size();
        // a client that knows both nodes, as serve would be configured; the node it asked so far goes down
        SolrHttp both = new SolrHttp(solr.url(0) + "," + solr.url(1));
        solr.stopNode(0);
        JsonNode live = both.clusterStatus(null).path("cluster").path("live_nodes");
        assertEquals(1, live.size(), live.toString());
        Random rnd = new Random(11);
        for (int q = 0; q < 6; q++) {
            assertEquals(documents, both.count(COLLECTION, "*:*"));
            assertKnnIsExact(both, lookLike(rnd, 6 + q));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code lookalike solr push} on the catalogue against node 0 and returns its JSON summary. */
    static JsonNode push(String collection, String... more) throws Exception {
        return pushVia(solr.url(0), collection, more);
    }

    /** As {@link #push}, with {@code --solr nodes}. */
    static JsonNode pushVia(String nodes, String collection, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("solr", "push", "--catalog", catalog.toString(),
                "--solr", nodes, "--collection", collection));
        args.addAll(List.of(more));
        App.Result r = App.run(work, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    /** The top 10 photo documents of {@code {!knn}} are the 10 best of an exact scan, with Lucene's scores. */
    static void assertKnnIsExact(SolrHttp http, float[] query) {
        List<Map.Entry<String, Double>> exact = photoVectors.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (double) Vectors.dot(query, e.getValue())))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10).toList();
        String vector = "[" + floats(query) + "]";
        JsonNode answer = http.select(COLLECTION, "q", "{!knn f=vector topK=10}" + vector, "fq", "type:photo",
                "fl", "id,score", "rows", "10");
        JsonNode docs = answer.path("response").path("docs");
        assertEquals(10, docs.size(), answer.toString());
        assertFalse(answer.path("responseHeader").path("partialResults").asBoolean(false), answer.toString());
        for (int i = 0; i < 10; i++) {
            String id = docs.get(i).path("id").asText();
            double dot = Vectors.dot(query, photoVectors.get(id));
            // Lucene's DOT_PRODUCT similarity scores unit vectors (1 + dot) / 2
            assertEquals((1 + dot) / 2, docs.get(i).path("score").asDouble(), 1e-5, id);
            assertEquals(exact.get(i).getValue(), dot, 1e-5, "rank " + i + ": exact " + exact + ", Solr " + docs);
        }
    }

    static JsonNode byId(String id) {
        JsonNode docs = http.select(COLLECTION, "q", "{!term f=id}" + id, "fl", "*").path("response").path("docs");
        assertEquals(1, docs.size(), id);
        return docs.get(0);
    }

    static void assertVector(float[] expected, JsonNode actual) {
        assertEquals(expected.length, actual.size());
        for (int d = 0; d < expected.length; d++) {
            assertEquals(expected[d], actual.get(d).floatValue(), 0f, "dimension " + d);
        }
    }

    /** Rows of solr_pushed for the collection, whatever the Solr URL. */
    static int recorded(String collection) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM solr_pushed WHERE target LIKE ?")) {
            c.createStatement().execute("PRAGMA busy_timeout = 5000");
            ps.setString(1, "% " + collection);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // the table may not exist yet
        }
    }

    /**
     * A query near cluster {@code c}'s centre, as a shopper's photo of a product in the catalogue would be (HNSW
     * is approximate far from the data, where no shopper's query lands).
     */
    static float[] lookLike(Random rnd, int c) {
        float[] noise = gaussian(rnd, 0.2);
        float[] query = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            query[d] = centres[c][d] + noise[d];
        }
        return Vectors.normalize(query);
    }

    static float[] gaussian(Random rnd, double sigma) {
        return gaussian(rnd, sigma, DIM);
    }

    static float[] gaussian(Random rnd, double sigma, int dim) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) (rnd.nextGaussian() * sigma);
        }
        return v;
    }

    static String floats(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v[i]);
        }
        return sb.toString();
    }

    static String word(int i) {
        String[] words = {"lamp", "chair", "table", "vase", "rug", "mirror", "shelf", "stool"};
        return words[i % words.length];
    }
}
