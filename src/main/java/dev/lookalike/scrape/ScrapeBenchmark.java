package dev.lookalike.scrape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.ImageDecoder;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Measures the crawler against a generated shop on a loopback port: {@code pages} product pages (JSON-LD,
 * one distinct JPEG each) reached through category pages of 50, crawled with the rate limit off at a
 * given concurrency into a fresh catalogue. The shop runs in the same JVM, so CPU time includes serving.
 */
public final class ScrapeBenchmark {

    /** What one benchmark crawl measured; CPU seconds are the whole process's (shop included). */
    public record Result(int productPages, int concurrency, int pages, int products, int images, double seconds,
                         double pagesPerSecond, double imagesPerSecond, double cpuSeconds, long peakHeapMiB,
                         long requests, int cores) {}

    private static final int PER_CATEGORY = 50;

    private ScrapeBenchmark() {}

    /** Builds the shop, crawls it once, and reports. */
    public static Result run(int productPages, int concurrency) throws Exception {
        if (productPages < 1) {
            throw new IllegalArgumentException("the benchmark shop needs at least one product page");
        }
        // The JDK server otherwise leaves Nagle's algorithm on: each response then waits ~40 ms for a
        // delayed ACK, and the benchmark would measure that instead of the crawler.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        byte[][] photos = new byte[productPages][];
        for (int i = 0; i < productPages; i++) {
            photos[i] = photo(i);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(4, concurrency * 2), r -> {
            Thread t = new Thread(r, "bench-shop");
            t.setDaemon(true);
            return t;
        });
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
        server.setExecutor(pool);
        server.createContext("/", ex -> serve(ex, productPages, photos));
        server.start();
        Path dir = Files.createTempDirectory("lookalike-bench-scrape");
        try (CatalogDb db = CatalogDb.open(dir.resolve("bench.db"))) {
            String base = "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                    + server.getAddress().getPort();
            CrawlOptions options = CrawlOptions.defaults().withConcurrency(concurrency).withDelay(Duration.ZERO);
            Crawler crawler = new Crawler(db, new PhotoStore(db, new ImageDecoder()), options, Crawler.Listener.silent());
            System.gc();
            for (MemoryPoolMXBean pool2 : ManagementFactory.getMemoryPoolMXBeans()) {
                pool2.resetPeakUsage();
            }
            long cpu0 = processCpuNanos();
            Crawler.Summary s = crawler.run(Crawler.Start.of(base + "/"));
            long cpu = processCpuNanos() - cpu0;
            long peak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    peak += p.getPeakUsage().getUsed();
                }
            }
            return new Result(productPages, concurrency, s.pages(), s.products(), s.images(), s.seconds(),
                    s.pagesPerSecond(), s.imagesPerSecond(), cpu / 1e9, peak >> 20, s.requests(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            server.stop(0);
            pool.shutdownNow();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void serve(HttpExchange ex, int products, byte[][] photos) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/robots.txt")) {
                send(ex, 200, "text/plain", "User-agent: *\nAllow: /\n".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/")) {
                StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><title>Bench shop</title></head><body>");
                for (int c = 0; c * PER_CATEGORY < products; c++) {
                    sb.append("<a href=\"/c/").append(c).append("\">Category ").append(c).append("</a>\n");
                }
                send(ex, 200, "text/html; charset=utf-8", sb.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/c/")) {
                int c = Integer.parseInt(path.substring(3));
                StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><title>Category</title></head><body><ul>");
                for (int i = c * PER_CATEGORY; i < Math.min(products, (c + 1) * PER_CATEGORY); i++) {
                    sb.append("<li><a href=\"/p/").append(i).append("\">Product ").append(i).append("</a></li>\n");
                }
                send(ex, 200, "text/html; charset=utf-8", sb.append("</ul><a href=\"/\">Home</a></body></html>")
                        .toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/p/")) {
                int i = Integer.parseInt(path.substring(3));
                String html = "<!DOCTYPE html><html><head><title>Product " + i + "</title>"
                        + "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Product\","
                        + "\"name\":\"Product " + i + "\",\"sku\":\"SKU-" + i + "\",\"image\":\"/img/" + i + ".jpg\","
                        + "\"description\":\"A product to measure the crawler with.\",\"brand\":{\"@type\":\"Brand\",\"name\":\"Bench\"},"
                        + "\"offers\":{\"@type\":\"Offer\",\"price\":\"" + (10 + i % 90) + ".99\",\"priceCurrency\":\"EUR\"}}"
                        + "</script></head><body><h1>Product " + i + "</h1><p>" + "Some text about the product. ".repeat(40)
                        + "</p><a href=\"/\">Home</a> <a href=\"/c/" + (i / PER_CATEGORY) + "\">Category</a></body></html>";
                send(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/img/")) {
                int i = Integer.parseInt(path.substring(5, path.length() - 4));
                send(ex, 200, "image/jpeg", photos[i]);
            } else {
                send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** A distinct small product photo (96×96 JPEG). */
    private static byte[] photo(int i) throws IOException {
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(Color.HSBtoRGB((i * 0.618034f) % 1f, 0.6f, 0.9f)));
        g.fillRect(0, 0, 96, 96);
        g.setColor(new Color((i * 2654435761L & 0xFFFFFF) == 0 ? 1 : (int) (i * 2654435761L & 0xFFFFFF)));
        g.fillOval(16 + i % 17, 16 + i % 13, 48, 48);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
