package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application driven as a user drives it: import a small colourful shop, embed it with
 * the colour fixture model, search it by text and by example, through the real tokenizer,
 * preprocessing, DJL, SQLite and ranking.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandLineIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = App.MODELS.resolve("colour-clip").toString();

    @TempDir
    static Path work;

    static Path catalog;

    /** name, colour, price */
    static final Object[][] SHOP = {
            {"Red kettle", new Color(220, 30, 30), 80.0},
            {"Crimson mug", new Color(180, 20, 40), 20.0},
            {"Scarlet lamp", new Color(250, 40, 20), 150.0},
            {"Green vase", new Color(30, 170, 40), 35.0},
            {"Blue bowl", new Color(30, 50, 200), 25.0},
            {"Yellow chair", new Color(240, 220, 30), 120.0},
            {"Purple cushion", new Color(130, 30, 160), 18.0},
            {"White plate", new Color(245, 245, 245), 9.0},
            {"Black pan", new Color(15, 15, 15), 60.0},
    };

    @BeforeAll
    static void buildShop() throws Exception {
        catalog = work.resolve("shop.db");
        Path photos = Files.createDirectories(work.resolve("photos"));
        StringBuilder csv = new StringBuilder("url,name,price,currency,brand,shop,images\n");
        Random rnd = new Random(11);
        for (int i = 0; i < SHOP.length; i++) {
            String file = "p" + i + ".png";
            writePhoto(photos.resolve(file), (Color) SHOP[i][1], rnd);
            // the second product shares the first one's photo; one row points at a missing file
            String images = "photos/" + file + (i == 1 ? "|photos/p0.png" : "") + (i == 2 ? "|photos/missing.png" : "");
            csv.append("https://shop.test/p/").append(i).append(',').append('"').append(SHOP[i][0]).append('"')
                    .append(',').append(SHOP[i][2]).append(",EUR,Acme,shop.test,").append(images).append('\n');
        }
        csv.append(",No url,1,EUR,,,\n");
        Files.writeString(work.resolve("shop.csv"), csv);
    }

    static void writePhoto(Path file, Color colour, Random rnd) throws IOException {
        BufferedImage img = new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 96, 80);
        g.setColor(colour);
        g.fillRect(8 + rnd.nextInt(6), 6 + rnd.nextInt(6), 76, 66);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    static List<JsonNode> json(App.Result r) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.lines()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    @Order(1)
    void importReportsWhatItDidAndWhatItSkipped() throws Exception {
        App.Result r = App.run(work, "import", "--catalog", catalog.toString(), work.resolve("shop.csv").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode s = JSON.readTree(r.out());
        assertEquals(SHOP.length, s.get("products").asInt());
        assertEquals(1, s.get("rows_failed").asInt());
        assertEquals(1, s.get("image_errors").asInt());
        assertTrue(r.err().contains("no url"), r.err());
        assertTrue(r.err().contains("missing.png"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    @Order(2)
    void embedThenEmbedAgainDoesNothingTwice() throws Exception {
        App.Result r = App.run(work, "embed", "--catalog", catalog.toString(), "--model", MODEL, "--batch", "4");
        assertEquals(0, r.exit(), r.err());
        JsonNode s = JSON.readTree(r.out());
        assertEquals(SHOP.length, s.get("embedded").asInt(), r.out());
        assertEquals(0, s.get("failed").asInt());
        assertTrue(r.err().contains("embedding"), "progress bar on stderr: " + r.err());

        App.Result again = App.run(work, "embed", "--catalog", catalog.toString(), "--model", MODEL);
        assertEquals(0, again.exit(), again.err());
        JsonNode s2 = JSON.readTree(again.out());
        assertEquals(0, s2.get("embedded").asInt());
        assertEquals(SHOP.length, s2.get("skipped").asInt());
    }

    @Test
    @Order(3)
    void textSearchRanksTheRightColourFirst() throws Exception {
        for (String[] q : new String[][] {{"red", "Red kettle", "Crimson mug", "Scarlet lamp"}, {"green", "Green vase"},
                {"blue", "Blue bowl"}, {"yellow", "Yellow chair"}, {"purple", "Purple cushion"}}) {
            App.Result r = App.run(work, "search", q[0], "--catalog", catalog.toString(), "--model", MODEL, "--limit", "3");
            assertEquals(0, r.exit(), r.err());
            List<JsonNode> results = json(r);
            assertFalse(results.isEmpty());
            assertTrue(List.of(q).subList(1, q.length).contains(results.get(0).get("name").asText()),
                    q[0] + " ranked " + results.get(0) + " first");
            JsonNode first = results.get(0);
            for (String field : List.of("id", "name", "price", "currency", "url", "image", "score")) {
                assertTrue(first.has(field), field + " missing in " + first);
            }
            assertTrue(first.get("image").asText().startsWith("/images/"), "the API's photo path: " + first);
        }
        App.Result priced = App.run(work, "search", "red", "--catalog", catalog.toString(), "--model", MODEL,
                "--max-price", "50");
        for (JsonNode n : json(priced)) {
            assertTrue(n.get("price").asDouble() <= 50, n.toString());
        }
    }

    @Test
    @Order(3)
    void searchTakesTheApisModeSortAndCut() throws Exception {
        String cat = catalog.toString();
        // words alone: the product whose name says it, whatever its colour
        List<JsonNode> words = json(App.run(work, "search", "vase", "--catalog", cat, "--model", MODEL, "--mode", "words"));
        assertEquals(List.of("Green vase"), words.stream().map(n -> n.get("name").asText()).toList());
        assertEquals("[\"words\"]", words.get(0).get("matched").toString());
        assertEquals("[\"name\"]", words.get(0).get("matched_fields").toString());
        // the relevance cut the API applies, and --all (floor=off) without it
        List<JsonNode> cut = json(App.run(work, "search", "red", "--catalog", cat, "--model", MODEL, "--mode", "look"));
        List<JsonNode> all = json(App.run(work, "search", "red", "--catalog", cat, "--model", MODEL, "--mode", "look",
                "--all"));
        assertTrue(all.size() > cut.size() && cut.size() >= 3, cut.size() + " vs " + all.size());
        // price order among the results that pass the cut
        List<JsonNode> byPrice = json(App.run(work, "search", "red", "--catalog", cat, "--model", MODEL, "--mode", "look",
                "--sort", "price"));
        assertEquals(cut.stream().map(n -> n.get("id").asText()).sorted().toList(),
                byPrice.stream().map(n -> n.get("id").asText()).sorted().toList());
        for (int i = 1; i < byPrice.size(); i++) {
            assertTrue(byPrice.get(i - 1).get("price").asDouble() <= byPrice.get(i).get("price").asDouble(), byPrice.toString());
        }
        App.Result bad = App.run(work, "search", "red", "--catalog", cat, "--model", MODEL, "--mode", "colour");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("mode must be both, look or words"), bad.err());
    }

    @Test
    @Order(4)
    void similarFindsLookalikesAndCheaperOnesOnly() throws Exception {
        String kettle = productId("Red kettle");
        App.Result r = App.run(work, "similar", kettle, "--catalog", catalog.toString(), "--limit", "3");
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> results = json(r);
        // the mug shows the kettle's own photo: a perfect match comes first; the relevance floor the API
        // applies (one rule for both) leaves the other red product and cuts the colours that only share a little
        assertEquals(List.of("Crimson mug", "Scarlet lamp"), results.stream().map(n -> n.get("name").asText()).toList());
        // --mode picks what a text ranks by: a product's lookalikes have none, and say so rather than ignore it
        App.Result moded = App.run(work, "similar", kettle, "--catalog", catalog.toString(), "--mode", "words");
        assertEquals(2, moded.exit(), moded.err());
        assertTrue(moded.err().contains("--mode picks what a text ranks by"), moded.err());
        assertFalse(results.stream().anyMatch(n -> n.get("id").asText().equals(kettle)));

        App.Result cheaper = App.run(work, "similar", kettle, "--catalog", catalog.toString(), "--cheaper", "--limit", "20");
        assertEquals(0, cheaper.exit(), cheaper.err());
        List<JsonNode> c = json(cheaper);
        assertFalse(c.isEmpty());
        for (JsonNode n : c) {
            assertTrue(n.get("price").asDouble() < 80.0, n.toString());
            assertEquals(80.0 - n.get("price").asDouble(), n.get("saving").asDouble(), 0.001);
        }
    }

    @Test
    @Order(5)
    void modelsListsTheKnownHubModelsAndTimesOneOnThisMachine() throws Exception {
        App.Result r = App.run(work, "models", "--json", "--only", "hf:openai/clip-vit-base-patch32", "--seconds", "0.5");
        assertEquals(0, r.exit(), r.err());
        JsonNode models = JSON.readTree(r.out()).get("models");
        List<String> specs = new ArrayList<>();
        models.forEach(m -> specs.add(m.get("model").asText()));
        assertTrue(specs.containsAll(List.of("hf:openai/clip-vit-base-patch32", "hf:openai/clip-vit-base-patch16",
                "hf:openai/clip-vit-large-patch14", "hf:laion/CLIP-ViT-B-32-laion2B-s34B-b79K",
                "hf:patrickjohncyh/fashion-clip", "hf:Marqo/marqo-fashionCLIP")), specs.toString());
        JsonNode b32 = models.get(0);
        assertEquals("hf:openai/clip-vit-base-patch32", b32.get("model").asText(), "the default comes first");
        assertEquals(512, b32.get("dim").asInt());
        assertEquals(151_277_313L, b32.get("parameters").asLong(), "ViT-B/32 CLIP's published parameter count");
        assertTrue(b32.get("images_per_s").asDouble() > 0 && b32.get("text_query_ms").asDouble() > 0, b32.toString());
        assertTrue(models.get(2).get("images_per_s").isNull(), "only the one asked for is timed: " + models.get(2));
        assertEquals(768, models.get(2).get("dim").asInt());
        assertTrue(b32.get("good_at").asText().length() > 10);

        App.Result table = App.run(work, "models", "--no-measure");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().startsWith("MODEL") && table.out().contains("605 MB"), table.out());
        App.Result unknown = App.run(work, "models", "--only", "hf:nobody/nothing");
        assertEquals(2, unknown.exit(), unknown.err());
    }

    @Test
    @Order(5)
    void vectorPrintsOneJsonArray() throws Exception {
        App.Result r = App.run(work, "vector", "--text", "red", "--model", MODEL);
        assertEquals(0, r.exit(), r.err());
        JsonNode v = JSON.readTree(r.out());
        assertTrue(v.isArray() && v.size() > 1);
        double norm = 0;
        for (JsonNode x : v) {
            norm += x.asDouble() * x.asDouble();
        }
        assertEquals(1.0, norm, 1e-4);
        App.Result img = App.run(work, "vector", "--image", work.resolve("photos/p0.png").toString(), "--model", MODEL);
        assertEquals(0, img.exit(), img.err());
        assertEquals(v.size(), JSON.readTree(img.out()).size());
    }

    @Test
    @Order(6)
    void mistakesGetAMessageAndAnExitCodeNotAStackTrace() throws Exception {
        App.Result unknown = App.run(work, "similar", "nope", "--catalog", catalog.toString());
        assertEquals(3, unknown.exit());
        assertTrue(unknown.err().contains("no product with id nope"), unknown.err());

        App.Result noModel = App.run(work, "search", "red", "--catalog", catalog.toString(), "--model",
                work.resolve("no-such-model").toString());
        assertEquals(4, noModel.exit());
        assertTrue(noModel.err().contains("not found"), noModel.err());

        Path junk = work.resolve("junk.db");
        Files.writeString(junk, "not a database at all ".repeat(100));
        App.Result badCatalog = App.run(work, "similar", "x", "--catalog", junk.toString());
        assertEquals(5, badCatalog.exit());
        assertTrue(badCatalog.err().contains("not a SQLite database"), badCatalog.err());

        App.Result noFile = App.run(work, "vector", "--image", "nope.png", "--model", MODEL);
        assertEquals(3, noFile.exit());

        // the API's rules: --limit up to lookalike.web.max-page-size (100), queries up to 500 characters
        App.Result tooMany = App.run(work, "search", "red", "--catalog", catalog.toString(), "--model", MODEL,
                "--limit", "101");
        assertEquals(2, tooMany.exit(), tooMany.err());
        assertTrue(tooMany.err().contains("between 1 and 100"), tooMany.err());
        App.Result tooLong = App.run(work, "search", "red ".repeat(200), "--catalog", catalog.toString(), "--model", MODEL);
        assertEquals(2, tooLong.exit(), tooLong.err());
        assertTrue(tooLong.err().contains("500"), tooLong.err());

        // model download failures name the URL and the reason, never "null"
        App.Result unreachable = App.run(work, "vector", "--text", "red", "--model", "http://127.0.0.1:1/model.zip");
        assertEquals(4, unreachable.exit(), unreachable.err());
        assertTrue(unreachable.err().contains("127.0.0.1:1"), unreachable.err());
        assertFalse(unreachable.err().contains("null"), unreachable.err());
        // a broken lookalike-model.json names the file, not Jackson's source dump
        Path pkg = Files.createDirectories(work.resolve("broken-package"));
        Files.writeString(pkg.resolve("lookalike-model.json"), "{\"format\": 1, \"name\": ");
        App.Result broken = App.run(work, "vector", "--text", "red", "--model", pkg.toString());
        assertEquals(4, broken.exit(), broken.err());
        assertTrue(broken.err().contains("lookalike-model.json"), broken.err());
        assertFalse(broken.err().contains("REDACTED") || broken.err().contains("Source:"), broken.err());

        for (App.Result r : List.of(unknown, noModel, badCatalog, noFile, tooMany, tooLong, unreachable, broken)) {
            assertFalse(r.err().contains("\tat "), "stack trace leaked: " + r.err());
        }
    }

    @Test
    @Order(7)
    void onlyServeAndDemoOpenAPort() throws Exception {
        // Hold the default HTTP port: a command that tried to listen on it would fail to start.
        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress("0.0.0.0", 8080));
            App.Result r = App.run(work, "similar", productId("Blue bowl"), "--catalog", catalog.toString());
            assertEquals(0, r.exit(), r.err());
        } catch (java.net.BindException e) {
            // someone else holds 8080: the command must still not need it
            App.Result r = App.run(work, "similar", productId("Blue bowl"), "--catalog", catalog.toString());
            assertEquals(0, r.exit(), r.err());
        }
    }

    static String productId(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM products WHERE name = '" + name.replace("'", "''") + "'")) {
            assertTrue(rs.next(), name);
            return rs.getString(1);
        }
    }
}
