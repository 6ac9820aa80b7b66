package dev.lookalike.web;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ModelLocator;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.explore.ClusterRun;
import dev.lookalike.scrape.PhotoStore;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small colourful shop for the web tests, embedded with the colour fixture model (whose vectors
 * measure colour), so "red" finds the red products. Includes the awkward cases: a product name full of
 * HTML, a price in another currency, a product without a price, a shop URL that is not http(s).
 */
public final class TestShop {

    static final Path MODEL = Path.of("src/test/resources/models/colour-clip").toAbsolutePath();
    static final String KITCHEN = "Kitchen Corner";
    static final String OUTLET = "Home & Garden <Outlet>";
    static final String EVIL_NAME = "<script>alert(\"pwned\")</script><b>Ruby</b> & kettle";

    /** url slug, name, colour (second colour: right half), price, currency, shop, brand */
    static final Object[][] PRODUCTS = {
            {"red-kettle", "Red kettle", new Color(220, 30, 30), null, 80.0, "EUR", KITCHEN, "Acme"},
            {"crimson-mug", "Crimson mug", new Color(190, 25, 40), null, 20.0, "EUR", KITCHEN, "Lumo"},
            {"scarlet-lamp", "Scarlet lamp", new Color(245, 40, 25), null, 150.0, "EUR", OUTLET, "Lumo"},
            {"cherry-toaster", "Cherry toaster", new Color(200, 20, 50), null, 45.0, "EUR", OUTLET, "Acme"},
            {"ruby-kettle", EVIL_NAME, new Color(210, 35, 35), null, 65.0, "EUR", KITCHEN, "Acme"},
            {"red-usd-kettle", "Red kettle (US)", new Color(215, 30, 30), null, 10.0, "USD", OUTLET, "Acme"},
            {"red-mystery", "Red mystery box", new Color(225, 45, 35), null, null, null, OUTLET, "Verde"},
            {"green-vase", "Green vase", new Color(30, 170, 40), null, 35.0, "EUR", OUTLET, "Verde"},
            {"olive-planter", "Olive planter", new Color(90, 140, 40), null, 28.0, "EUR", OUTLET, "Verde"},
            {"mint-bowl", "Mint bowl", new Color(60, 200, 120), null, 12.0, "EUR", KITCHEN, "Verde"},
            {"blue-bowl", "Blue bowl", new Color(30, 50, 200), null, 25.0, "EUR", KITCHEN, "Lumo"},
            {"navy-teapot", "Navy teapot", new Color(20, 30, 120), null, 60.0, "EUR", KITCHEN, "Acme"},
            {"sky-cushion", "Sky cushion", new Color(90, 150, 230), null, 22.0, "EUR", OUTLET, "Lumo"},
            {"yellow-chair", "Yellow chair", new Color(240, 220, 30), null, 120.0, "EUR", OUTLET, "Acme"},
            {"lemon-jug", "Lemon jug", new Color(250, 235, 80), null, 18.0, "EUR", KITCHEN, "Lumo"},
            {"purple-cushion", "Purple cushion", new Color(130, 30, 160), null, 18.0, "EUR", OUTLET, "Verde"},
            {"violet-throw", "Violet throw", new Color(140, 20, 230), null, 55.0, "EUR", OUTLET, "Lumo"},
            {"gold-purple-vase", "Gold and purple vase", new Color(255, 200, 40), new Color(128, 0, 128), 95.0,
                    "EUR", OUTLET, "Acme"},
            {"gold-tap", "Gold tap", new Color(255, 200, 40), null, 140.0, "EUR", KITCHEN, "Acme"},
            {"brass-tap", "Brass tap", new Color(200, 170, 70), null, 70.0, "EUR", KITCHEN, "Lumo"},
            {"white-plate", "White plate", new Color(245, 245, 245), null, 9.0, "EUR", KITCHEN, "Verde"},
            {"black-pan", "Black pan", new Color(20, 20, 20), null, 60.0, "EUR", KITCHEN, "Acme"},
            {"orange-clock", "Orange clock", new Color(250, 140, 10), null, 30.0, "EUR", OUTLET, "Lumo"},
            {"pink-mug", "Pink mug", new Color(250, 150, 190), null, 14.0, "EUR", KITCHEN, "Lumo"},
    };

    /** The outlet's offer of the kitchen shop's gold tap: the same photo bytes, 110 instead of 140. */
    static final String OUTLET_GOLD_TAP = "outlet-gold-tap";

    /** How many styles the shop is clustered into. */
    static final int CLUSTERS = 6;

    /** A product whose photo could not be fetched. */
    static final String BROKEN_PHOTO = "photo-gone-lamp";

    private TestShop() {}

    static String url(String slug) {
        return "https://shop.test/p/" + slug;
    }

    static String id(String slug) {
        return Product.idFor(url(slug));
    }

    /** Builds and embeds the shop in {@code dir}; returns the catalogue file. */
    static Path build(Path dir) {
        Path file = dir.resolve("shop.db");
        Random rnd = new Random(5);
        try (CatalogDb db = CatalogDb.open(file); ClipModel model = ModelLocator.loadDirectory(MODEL)) {
            PhotoStore photos = new PhotoStore(db, new ImageDecoder());
            for (Object[] row : PRODUCTS) {
                String slug = (String) row[0];
                String shopUrl = slug.equals("mint-bowl") ? "javascript:alert(1)//" + slug : url(slug);
                Product p = new Product(id(slug), shopUrl, (String) row[1], (Double) row[4], (String) row[5],
                        (String) row[7], (String) row[6], "A " + row[1] + " <i>from the test shop</i>.", "home");
                db.upsertProduct(p);
                byte[] png = photo((Color) row[2], (Color) row[3], rnd);
                String image = photos.store(png).imageId();
                db.linkImage(new ProductImage(p.id(), url(slug) + "/1.png", image, null, 0));
                if (slug.equals("red-kettle")) {
                    // a second, white photo: the product still shows once, with its best photo
                    String second = photos.store(photo(new Color(250, 250, 250), null, rnd)).imageId();
                    db.linkImage(new ProductImage(p.id(), url(slug) + "/2.png", second, null, 1));
                }
            }
            // the same gold tap sold by the outlet too, cheaper, with the very same photo: one item, two offers
            Product goldTap = db.product(id("gold-tap")).orElseThrow();
            Product outletTap = new Product(id(OUTLET_GOLD_TAP), url(OUTLET_GOLD_TAP), "Gold tap", 110.0, "EUR", "Acme",
                    OUTLET, "The gold tap, at the outlet.", "home");
            db.upsertProduct(outletTap);
            db.linkImage(new ProductImage(outletTap.id(), url(OUTLET_GOLD_TAP) + "/1.png",
                    db.productImages(goldTap.id()).get(0).imageId(), null, 0));
            // a product whose only photo never arrived: embed passes it by, and its lookalikes say why
            Product broken = new Product(id(BROKEN_PHOTO), url(BROKEN_PHOTO), "Lamp without a photo", 33.0, "EUR",
                    "Acme", OUTLET, "Its photo is gone.", "home");
            db.upsertProduct(broken);
            db.linkImage(new ProductImage(broken.id(), url(BROKEN_PHOTO) + "/1.png", null, "HTTP 404 Not Found", 0));
            new EmbedRun(db, model, new ImageDecoder(), 8, 1).run(ProgressListener.NONE);
            // browse by style: the clusters and map, as `lookalike cluster --k 6` makes them
            ClusterRun.run(db, db.findCollection(model.name()).orElseThrow(), CLUSTERS, 42, model);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test shop: " + e.getMessage(), e);
        }
        return file;
    }

    /** A product photo: a colour block (two halves when {@code right} is given) on white. */
    static byte[] photo(Color colour, Color right, Random rnd) {
        BufferedImage img = new BufferedImage(120, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 120, 100);
        int x = 6 + rnd.nextInt(6);
        int y = 6 + rnd.nextInt(6);
        g.setColor(colour);
        if (right == null) {
            g.fillRoundRect(x, y, 104, 84, 24, 24);
        } else {
            g.fillRect(x, y, 52, 84);
            g.setColor(right);
            g.fillRect(x + 52, y, 52, 84);
        }
        g.dispose();
        return png(img);
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds the shop into the folder given, for trying the gallery by hand. */
    public static void main(String[] args) {
        System.out.println(build(Path.of(args.length > 0 ? args[0] : "target/test-shop")).toAbsolutePath());
    }
}
