package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scrape} killed with SIGKILL mid-crawl continues on the next run: nothing lost, nothing twice. */
class ScrapeIT {

    static final int PRODUCTS = 120;

    @TempDir
    Path work;

    HttpServer server;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    @BeforeEach
    void startShop() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::serve);
        server.start();
    }

    @AfterEach
    void stopShop() {
        server.stop(0);
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void killedScrapeResumesWhereItStopped() throws Exception {
        Path catalog = work.resolve("shop.db");
        Process p = App.builder(work, "scrape", base() + "/", "--catalog", catalog.toString(), "--delay-ms", "20",
                        "--concurrency", "2")
                .redirectOutput(work.resolve("kill-out.txt").toFile())
                .redirectError(work.resolve("kill-err.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && System.nanoTime() < deadline && count(catalog, "SELECT count(*) FROM products") < 15) {
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int atKill = count(catalog, "SELECT count(*) FROM products");
        assertTrue(atKill > 0 && atKill < PRODUCTS, "the kill must land mid-crawl (products at kill: " + atKill + ")");

        App.Result resumed = App.run(work, "scrape", base() + "/", "--catalog", catalog.toString(), "--delay-ms", "0",
                "--concurrency", "4");
        assertEquals(0, resumed.exit(), resumed.err());
        JsonNode s = new ObjectMapper().readTree(resumed.out());
        assertTrue(s.get("resumed").asBoolean(), resumed.out());
        assertEquals("complete", s.get("outcome").asText());
        assertEquals(0, s.get("errors").asInt(), resumed.err());
        assertEquals(PRODUCTS, count(catalog, "SELECT count(*) FROM products"));
        assertEquals(PRODUCTS, count(catalog, "SELECT count(*) FROM images"));
        assertEquals(PRODUCTS, count(catalog, "SELECT count(*) FROM product_images WHERE image_id IS NOT NULL"));
        assertEquals(PRODUCTS, count(catalog, "SELECT count(*) FROM price_history"));
        assertEquals(1, count(catalog, "SELECT count(*) FROM crawl_runs WHERE finished_at IS NOT NULL"));
        int productFetches = hits.entrySet().stream().filter(e -> e.getKey().startsWith("/p/"))
                .mapToInt(e -> e.getValue().get()).sum();
        assertTrue(productFetches <= PRODUCTS + 4, "only pages in flight at the kill are fetched twice: " + productFetches);
        int photoFetches = hits.entrySet().stream().filter(e -> e.getKey().startsWith("/img/"))
                .mapToInt(e -> e.getValue().get()).sum();
        assertTrue(photoFetches <= PRODUCTS + 4, "photos stored before the kill are not fetched again: " + photoFetches);
    }

    @Test
    void badStartsExitWithTheDocumentedStatus() throws Exception {
        App.Result missing = App.run(work, "scrape", "scraper/nope.yaml", "--catalog", work.resolve("c.db").toString());
        assertEquals(3, missing.exit(), missing.err());
        assertTrue(missing.err().contains("no such recipe file"), missing.err());
        App.Result bad = App.run(work, "scrape", "not a url", "--catalog", work.resolve("c.db").toString());
        assertEquals(2, bad.exit(), bad.err());
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            if (path.equals("/robots.txt")) {
                send(ex, "text/plain", "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/")) {
                StringBuilder sb = new StringBuilder("<html><body>");
                for (int i = 0; i < PRODUCTS; i++) {
                    sb.append("<a href='/p/").append(i).append("'>").append(i).append("</a>\n");
                }
                send(ex, "text/html", sb.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/p/")) {
                String i = path.substring(3);
                send(ex, "text/html", ("<html><head><script type='application/ld+json'>{\"@type\":\"Product\","
                        + "\"name\":\"Item " + i + "\",\"image\":\"/img/" + i + ".png\",\"offers\":{\"price\":\"" + i
                        + ".50\",\"priceCurrency\":\"EUR\"}}</script></head><body></body></html>")
                        .getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/img/")) {
                int i = Integer.parseInt(path.substring(5, path.length() - 4));
                BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                img.setRGB(i % 32, i / 32, 0xFFFFFF);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(img, "png", out);
                send(ex, "image/png", out.toByteArray());
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void send(HttpExchange ex, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static int count(Path catalog, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // not created yet
        }
    }
}
