package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.scrape.PhotoStore;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated catalogue with known colour groups, embedded with the colour fixture model through
 * {@link EmbedRun}: {@code perGroup} products (the colours the fixture model gives these words,
 * tools/make_fixtures.py's COLOURS) of each colour, each shade jittered by up to ±18 per channel,
 * one photo each (a second, lighter photo for every fifth product, so the product vector is a mean).
 * Chromatic colours only: in the fixture's geometry a black photo's vector points exactly along "dark" (the
 * lightness axis and the constant axes in the same ratio, 1.5·0.3 : 0.06 as 1.5·0.5 : 0.1), and a white one
 * along "light", so for grey shades the model itself prefers those words.
 */
final class ColourCatalogue {

    static final Path MODEL = Path.of("src/test/resources/models/colour-clip").toAbsolutePath();

    static final String[] NAMES = {"red", "green", "blue", "yellow", "orange", "purple"};
    static final Color[] COLOURS = {new Color(255, 0, 0), new Color(0, 170, 0), new Color(0, 0, 255),
            new Color(255, 230, 0), new Color(255, 140, 0), new Color(128, 0, 128)};
    static final String[] THINGS = {"mug", "lamp", "vase", "chair", "bowl", "cushion", "kettle", "plate"};

    /** Product id to the index of its colour in {@link #NAMES}. */
    final java.util.Map<String, Integer> truth = new java.util.LinkedHashMap<>();
    final Path file;

    ColourCatalogue(Path dir, int perGroup, ClipModel model) throws Exception {
        file = dir.resolve("colours.db");
        Random rnd = new Random(17);
        try (CatalogDb db = CatalogDb.open(file)) {
            PhotoStore photos = new PhotoStore(db, new ImageDecoder());
            int n = 0;
            for (int g = 0; g < NAMES.length; g++) {
                for (int i = 0; i < perGroup; i++) {
                    String url = "https://colours.test/p/" + NAMES[g] + "-" + i;
                    String thing = THINGS[rnd.nextInt(THINGS.length)];
                    Product p = new Product(Product.idFor(url), url, "Item " + (n++) + " " + thing, 10.0 + i, "EUR",
                            "Acme", "Colours", null, "home/" + thing);
                    db.upsertProduct(p);
                    Color c = jitter(COLOURS[g], rnd);
                    db.linkImage(new ProductImage(p.id(), url + "/1.png", photos.store(photo(c)).imageId(), null, 0));
                    if (i % 5 == 0) {
                        Color lighter = new Color(Math.min(255, c.getRed() + 15), Math.min(255, c.getGreen() + 15),
                                Math.min(255, c.getBlue() + 15));
                        db.linkImage(new ProductImage(p.id(), url + "/2.png", photos.store(photo(lighter)).imageId(),
                                null, 1));
                    }
                    truth.put(p.id(), g);
                }
            }
            new EmbedRun(db, model, new ImageDecoder(), 16, 1).run(ProgressListener.NONE);
        }
    }

    private static Color jitter(Color c, Random rnd) {
        return new Color(clamp(c.getRed() + rnd.nextInt(37) - 18), clamp(c.getGreen() + rnd.nextInt(37) - 18),
                clamp(c.getBlue() + rnd.nextInt(37) - 18));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    static byte[] photo(Color c) throws IOException {
        BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 40, 40);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static List<String> names() {
        return new ArrayList<>(List.of(NAMES));
    }
}
