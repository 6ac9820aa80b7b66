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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lookalike cluster} as a user runs it: after embed, with --k, auto and --seed, and its errors. */
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
