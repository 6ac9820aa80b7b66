package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.scrape.PhotoStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lookalike cluster} as a user runs it: after embed, with --k, auto and --seed, and its errors; and
 * {@code embed} keeping the styles up to date afterwards, with {@code cluster --incremental} on demand.
 */
class ClusterIT {

    static final String MODEL = App.MODELS.resolve("colour-clip").toString();
    static final String[] NAMES = {"red", "green", "blue", "yellow"};
    static final Color[] COLOURS = {new Color(250, 5, 5), new Color(5, 170, 5), new Color(5, 5, 250),
            new Color(250, 228, 5)};

    @TempDir
    Path work;

    @Test
    void clustersAnEmbeddedCatalogueIntoNamedStylesTheSameWayEachTime() throws Exception {
        Path catalog = colourShop();
        String db = catalog.toString();

        App.Result before = App.run(work, "cluster", "--catalog", db, "--model", MODEL);
        assertEquals(ExitCodes.NOT_FOUND, before.exit(), before.err());
        assertTrue(before.err().contains("no vectors yet: run lookalike embed first"), before.err());

        App.Result embed = App.run(work, "embed", "--catalog", db, "--model", MODEL);
        assertEquals(0, embed.exit(), embed.err());

        App.Result r = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--k", "4", "--seed", "5");
        assertEquals(0, r.exit(), r.err());
        JsonNode s = Json.MAPPER.readTree(r.lines().get(r.lines().size() - 1));
        assertEquals("colour-clip", s.get("collection").asText());
        assertEquals(16, s.get("products").asInt());
        assertEquals(4, s.get("k").asInt());
        assertFalse(s.get("auto").asBoolean());
        Set<String> firstWords = new TreeSet<>();
        for (JsonNode c : s.get("clusters")) {
            assertEquals(4, c.get("size").asInt(), c.toString());
            firstWords.add(c.get("label").asText().split(" · ")[0]);
        }
        assertEquals(new TreeSet<>(List.of(NAMES)), firstWords, s.toString());

        App.Result again = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--k", "4", "--seed", "5");
        JsonNode s2 = Json.MAPPER.readTree(again.lines().get(again.lines().size() - 1));
        assertEquals(labels(s), labels(s2), "the same seed gives the same styles");

        App.Result auto = App.run(work, "cluster", "--catalog", db, "--model", MODEL);
        assertEquals(0, auto.exit(), auto.err());
        JsonNode a = Json.MAPPER.readTree(auto.lines().get(auto.lines().size() - 1));
        assertTrue(a.get("auto").asBoolean());
        assertEquals(4, a.get("k").asInt(), "silhouette finds the four colours: " + a.get("silhouettes"));
        assertTrue(a.get("silhouettes").has("2") && a.get("silhouettes").has("5"), a.toString());
    }

    @Test
    void badArgumentsAndAnUnknownCollectionAreClearErrors() throws Exception {
        Path catalog = colourShop();
        String db = catalog.toString();
        assertEquals(0, App.run(work, "embed", "--catalog", db, "--model", MODEL).exit());

        App.Result word = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--k", "many");
        assertEquals(ExitCodes.USAGE, word.exit());
        assertTrue(word.err().contains("--k must be a number ≥ 1 or auto, got many"), word.err());

        App.Result tooMany = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--k", "17");
        assertEquals(ExitCodes.USAGE, tooMany.exit());
        assertTrue(tooMany.err().contains("between 1 and the number of products with vectors (16), got 17"),
                tooMany.err());

        App.Result unknown = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--collection", "nope");
        assertEquals(ExitCodes.NOT_FOUND, unknown.exit());
        assertTrue(unknown.err().contains("no collection nope; it has: colour-clip"), unknown.err());

        App.Result missing = App.run(work, "cluster", "--catalog", work.resolve("none.db").toString(), "--model", MODEL);
        assertEquals(ExitCodes.NOT_FOUND, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        try (CatalogDb c = CatalogDb.open(catalog)) {
            assertTrue(c.clusters().clusters(c.findCollection("colour-clip").orElseThrow().id()).isEmpty(),
                    "a failed run stores nothing");
        }
    }

    @Test
    void embedAfterClusteringPlacesNewProductsInTheNearestStyleAndSaysWhenToClusterAgain() throws Exception {
        Path shop = Files.createDirectories(work.resolve("import"));
        String db = work.resolve("imported.db").toString();
        writeCsv(shop, "first.csv", 0, 4, NAMES);
        App.Result imported = App.run(work, "import", "--catalog", db, shop.resolve("first.csv").toString());
        assertEquals(0, imported.exit(), imported.err());
        App.Result embed = App.run(work, "embed", "--catalog", db, "--model", MODEL);
        assertEquals(0, embed.exit(), embed.err());
        assertFalse(last(embed).has("styles"), "no styles before the first cluster run: " + embed.out());
        App.Result cluster = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--k", "4", "--seed", "5");
        assertEquals(0, cluster.exit(), cluster.err());
        Map<String, String> labelOfColour = new HashMap<>();
        for (JsonNode c : last(cluster).get("clusters")) {
            labelOfColour.put(c.get("label").asText().split(" · ")[0], c.get("label").asText());
        }

        // nothing new: embed's summary says so and keeps its other fields
        App.Result idle = App.run(work, "embed", "--catalog", db, "--model", MODEL);
        assertEquals(0, idle.exit(), idle.err());
        JsonNode idleSummary = last(idle);
        assertEquals(0, idleSummary.get("embedded").asInt());
        for (String field : List.of("collection", "skipped", "failed", "seconds", "images_per_second")) {
            assertTrue(idleSummary.has(field), field + " in " + idleSummary);
        }
        assertStyles(idleSummary.get("styles"), 0, 16, 0, false);

        // two new products (one red, one blue): placed, 2 of 18 incremental, no warning
        writeCsv(shop, "second.csv", 10, 1, "red", "blue");
        assertEquals(0, App.run(work, "import", "--catalog", db, shop.resolve("second.csv").toString()).exit());
        App.Result second = App.run(work, "embed", "--catalog", db, "--model", MODEL);
        assertEquals(0, second.exit(), second.err());
        assertEquals(2, last(second).get("embedded").asInt());
        assertStyles(last(second).get("styles"), 2, 18, 2, false);
        assertFalse(second.err().contains("lookalike cluster again"), second.err());
        try (CatalogDb c = CatalogDb.open(Path.of(db))) {
            int col = c.findCollection("colour-clip").orElseThrow().id();
            Map<Long, String> labels = new HashMap<>();
            c.clusters().clusters(col).forEach(cl -> labels.put(cl.id(), cl.label()));
            Map<String, String> placed = new HashMap<>();
            c.clusters().forEachMember(col, m -> {
                if (m.incremental()) {
                    placed.put(c.product(m.productId()).orElseThrow().name(), labels.get(m.clusterId()));
                }
            });
            assertEquals(Map.of("red thing 10", labelOfColour.get("red"), "blue thing 10", labelOfColour.get("blue")),
                    placed, "each joined the style of its colour");
        }

        // three more: 5 of 21 (24%) were placed incrementally, past a fifth, so embed says to cluster again
        writeCsv(shop, "third.csv", 20, 1, "green", "yellow", "red");
        assertEquals(0, App.run(work, "import", "--catalog", db, shop.resolve("third.csv").toString()).exit());
        App.Result third = App.run(work, "embed", "--catalog", db, "--model", MODEL);
        assertEquals(0, third.exit(), third.err());
        JsonNode styles = last(third).get("styles");
        assertStyles(styles, 3, 21, 5, true);
        assertEquals(0.2381, styles.get("incremental_share").asDouble(), 1e-9);
        assertTrue(third.err().contains("5 of 21 products of colour-clip (24%, more than 20%) joined the nearest "
                + "style after the styles were made: run lookalike cluster again"), third.err());

        // the server reports the same: none unclustered, 5 incremental, and says to cluster again
        JsonNode api = apiClusters(db);
        assertEquals(0, api.get("unclustered").asInt(), api.toString());
        assertEquals(5, api.get("incremental").asInt(), api.toString());
        int total = 0;
        for (JsonNode c : api.get("clusters")) {
            total += c.get("size").asInt();
        }
        assertEquals(21, total, api.toString());
        assertTrue(api.get("message").asText().contains("5 of 21 products joined their style after it was made: "
                + "run lookalike cluster again"), api.toString());

        // on demand: the same state, nothing left to place
        App.Result onDemand = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--incremental");
        assertEquals(0, onDemand.exit(), onDemand.err());
        assertEquals("colour-clip", last(onDemand).get("collection").asText());
        assertStyles(last(onDemand), 0, 21, 5, true);
        assertEquals(0, last(onDemand).get("left").asInt());
        assertTrue(onDemand.err().contains("run lookalike cluster again"), onDemand.err());

        // a full run takes everything in; the next update finds nothing incremental
        App.Result full = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--k", "4", "--seed", "5");
        assertEquals(21, last(full).get("products").asInt());
        App.Result fresh = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--incremental");
        assertStyles(last(fresh), 0, 21, 0, false);
        assertFalse(fresh.err().contains("lookalike cluster again"), fresh.err());
    }

    @Test
    void incrementalBeforeAnyFullRunIsAClearError() throws Exception {
        String db = colourShop().toString();
        assertEquals(0, App.run(work, "embed", "--catalog", db, "--model", MODEL).exit());
        App.Result r = App.run(work, "cluster", "--catalog", db, "--model", MODEL, "--incremental");
        assertEquals(ExitCodes.NOT_FOUND, r.exit());
        assertTrue(r.err().contains("collection colour-clip has no styles yet: run lookalike cluster first"), r.err());
    }

    /** Starts {@code lookalike serve} on the catalogue, reads {@code /api/clusters} and stops it. */
    private JsonNode apiClusters(String db) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = App.builder(work, "serve", "--port", String.valueOf(port), "--catalog", db, "--model",
                MODEL).redirectOutput(work.resolve("serve.out").toFile())
                .redirectError(work.resolve("serve.err").toFile());
        Process p = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
            int status = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    status = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status == 200) {
                        break;
                    }
                } catch (java.io.IOException notListeningYet) {
                    // the port opens a moment after the JVM starts
                }
                Thread.sleep(100);
            }
            assertEquals(200, status, "never ready: " + Files.readString(work.resolve("serve.err")));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/clusters")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return Json.MAPPER.readTree(r.body());
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    private static void assertStyles(JsonNode styles, int placed, int clustered, int incremental, boolean stale) {
        assertTrue(styles != null && styles.isObject(), "a styles object");
        assertEquals(placed, styles.get("placed").asInt(), styles.toString());
        assertEquals(clustered, styles.get("clustered").asInt(), styles.toString());
        assertEquals(incremental, styles.get("incremental").asInt(), styles.toString());
        assertEquals(Math.round(10_000.0 * incremental / clustered) / 10_000.0,
                styles.get("incremental_share").asDouble(), 1e-9, styles.toString());
        assertEquals(stale, styles.get("stale").asBoolean(), styles.toString());
    }

    private static JsonNode last(App.Result r) throws Exception {
        return Json.MAPPER.readTree(r.lines().get(r.lines().size() - 1));
    }

    /**
     * An import file of {@code perColour} products of each colour, numbered from {@code from}, each with one
     * PNG beside the file.
     */
    private static void writeCsv(Path folder, String name, int from, int perColour, String... colours)
            throws Exception {
        StringBuilder csv = new StringBuilder("url,name,price,currency,images\n");
        for (String colour : colours) {
            Color c = COLOURS[List.of(NAMES).indexOf(colour)];
            for (int i = from; i < from + perColour; i++) {
                // a shade of its own: the same bytes would be one stored photo, embedded once
                Color shade = new Color(Math.max(0, c.getRed() - 2 * i), Math.max(0, c.getGreen() - 2 * i),
                        Math.max(0, c.getBlue() - 2 * i));
                String photo = colour + "-" + i + ".png";
                Files.write(folder.resolve(photo), png(shade));
                csv.append("https://shop.test/").append(colour).append('/').append(i).append(',').append(colour)
                        .append(" thing ").append(i).append(",10,EUR,").append(photo).append('\n');
            }
        }
        Files.writeString(folder.resolve(name), csv);
    }

    private static List<String> labels(JsonNode summary) {
        List<String> out = new ArrayList<>();
        summary.get("clusters").forEach(c -> out.add(c.get("label").asText() + "/" + c.get("size").asInt()));
        return out;
    }

    /** Four colours, four products each, one photo apiece (a shade apart). */
    private Path colourShop() throws Exception {
        Path file = work.resolve("shop-" + System.nanoTime() + ".db");
        try (CatalogDb db = CatalogDb.open(file)) {
            PhotoStore photos = new PhotoStore(db, new ImageDecoder());
            for (int g = 0; g < NAMES.length; g++) {
                for (int i = 0; i < 4; i++) {
                    String url = "https://shop.test/" + NAMES[g] + "/" + i;
                    Product p = Product.of(url, NAMES[g] + " thing " + i, 10.0 + i, "EUR", null, "shop.test", null,
                            "home");
                    db.upsertProduct(p);
                    Color c = COLOURS[g];
                    Color shade = new Color(Math.max(0, c.getRed() - 4 * i), Math.max(0, c.getGreen() - 4 * i),
                            Math.max(0, c.getBlue() - 4 * i));
                    db.linkImage(new ProductImage(p.id(), url + ".png", photos.store(png(shade)).imageId(), null, 0));
                }
            }
        }
        return file;
    }

    private static byte[] png(Color c) throws Exception {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 32, 32);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
