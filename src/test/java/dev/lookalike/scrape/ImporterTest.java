package dev.lookalike.scrape;

import com.sun.net.httpserver.HttpServer;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ImageDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Importing JSON lines and CSV with local and remote photos, good and bad. */
class ImporterTest {

    @TempDir
    Path dir;

    /** The scraper's polite fetcher, without the pause between requests to one host. */
    final Fetcher fetcher = new Fetcher(CrawlOptions.defaults().withDelay(Duration.ZERO));

    @AfterEach
    void closeFetcher() {
        fetcher.close();
    }

    static byte[] png(int rgb) throws Exception {
        BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void jsonLinesWithRemoteAndLocalPhotos() throws Exception {
        byte[] red = png(0xFF0000);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/red.png", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, red.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(red);
            }
        });
        server.createContext("/gone.png", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        byte[] robots = "User-agent: *\nDisallow: /private/\n".getBytes(StandardCharsets.UTF_8);
        server.createContext("/robots.txt", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, robots.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(robots);
            }
        });
        int[] privateHits = {0};
        server.createContext("/private/", ex -> {
            privateHits[0]++;
            ex.sendResponseHeaders(200, red.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(red);
            }
        });
        server.start();
        try (CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Files.write(dir.resolve("blue.png"), png(0x0000FF));
            Files.writeString(dir.resolve("not-an-image.png"), "<html>nope</html>");
            String jsonl = String.join("\n",
                    "{\"url\":\"https://s/a\",\"name\":\"Alpha <b>tap</b>\",\"price\":\"1,299.50\",\"currency\":\"usd\","
                            + "\"images\":[\"" + base + "/red.png\",\"blue.png\",\"" + base + "/gone.png\"]}",
                    "{\"url\":\"https://s/b\",\"name\":\"Beta\",\"price\":12,\"images\":\"" + base + "/red.png\"}",
                    "{\"url\":\"https://s/c\",\"name\":\"Gamma\",\"price\":\"cheap\"}",
                    "{\"url\":\"https://s/d\",\"name\":\"Delta\",\"currency\":\"dollars\"}",
                    "{\"url\":\"https://s/e\",\"name\":\"Epsilon\",\"images\":[\"not-an-image.png\"]}",
                    "{\"url\":\"https://s/f\",\"name\":\"Phi\",\"images\":[\"" + base + "/private/red.png\"]}",
                    "");
            Files.writeString(dir.resolve("shop.jsonl"), jsonl, StandardCharsets.UTF_8);
            List<String> warnings = new ArrayList<>();
            Importer importer = new Importer(db, new PhotoStore(db, new ImageDecoder()), fetcher, warnings::add);
            Importer.Summary s = importer.importFile(dir.resolve("shop.jsonl"));
            assertEquals(4, s.products());
            assertEquals(2, s.rowsFailed());
            assertEquals(3, s.images());
            assertEquals(3, s.imageErrors());
            // photo URLs are fetched as the scraper fetches them: robots.txt is obeyed
            assertEquals(0, privateHits[0]);
            String refused = db.productImages(Product.idFor("https://s/f")).get(0).error();
            assertTrue(refused.contains("robots.txt"), refused);

            Product a = db.product(Product.idFor("https://s/a")).orElseThrow();
            assertEquals("Alpha <b>tap</b>", a.name());
            assertEquals(1299.5, a.price());
            assertEquals("USD", a.currency());
            List<ProductImage> photos = db.productImages(a.id());
            assertEquals(3, photos.size());
            assertNotNull(photos.get(0).imageId());
            assertNull(photos.get(2).imageId());
            assertTrue(photos.get(2).error().contains("404"), photos.get(2).error());
            // the same red photo shared by two products is stored once
            assertEquals(photos.get(0).imageId(), db.productImages(Product.idFor("https://s/b")).get(0).imageId());
            assertEquals(3, db.countImages());
            assertTrue(db.thumbnail(photos.get(1).imageId()).isPresent());
            String htmlId = db.productImages(Product.idFor("https://s/e")).get(0).imageId();
            assertTrue(db.image(htmlId).orElseThrow().error().contains("HTML"));
            assertTrue(warnings.stream().anyMatch(w -> w.contains("cheap")), warnings.toString());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("ISO 4217")), warnings.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void csvWithQuotesAndCommasInFields() throws Exception {
        try (CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            Files.writeString(dir.resolve("shop.csv"), "URL,Name,Price,Description\n"
                    + "https://s/1,\"Tap, \"\"gold\"\" finish\",10,\"two\nlines\"\n");
            Importer.Summary s = new Importer(db, new PhotoStore(db, new ImageDecoder()), fetcher, w -> { })
                    .importFile(dir.resolve("shop.csv"));
            assertEquals(1, s.products());
            Product p = db.product(Product.idFor("https://s/1")).orElseThrow();
            assertEquals("Tap, \"gold\" finish", p.name());
            assertEquals("two\nlines", p.description());
        }
    }

    @Test
    void aFileWithoutTheRequiredColumnsIsRefused() throws Exception {
        try (CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            Files.writeString(dir.resolve("bad.csv"), "title,cost\nx,1\n");
            Importer importer = new Importer(db, new PhotoStore(db, new ImageDecoder()), fetcher, w -> { });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> importer.importFile(dir.resolve("bad.csv")));
            assertTrue(e.getMessage().contains("url and name"), e.getMessage());
        }
    }
}
