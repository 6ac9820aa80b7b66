package dev.lookalike.scrape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A shop on a loopback port for crawl tests: real HTTP from the JDK's server, pages from
 * {@code src/test/resources/shop/} with {@code {{base}}}/{@code {{authority}}} filled in, photos drawn
 * with ImageIO, and routes that misbehave on purpose (500 then 200, 429 with Retry-After, slow, huge,
 * redirect loop). Tests add or replace routes while it runs and count the requests it saw.
 */
final class TestShop implements AutoCloseable {

    /** Answers one request; {@code hit} counts this path's requests, from 1. */
    interface Route {
        void handle(HttpExchange ex, int hit) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-shop");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    /** When each request arrived (System.nanoTime), in order. */
    final java.util.Queue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private TestShop() throws IOException {
        // Without it the JDK server's responses wait ~40 ms for delayed ACKs (Nagle).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /** An empty shop (everything 404s) with robots.txt allowing all. */
    static TestShop empty() throws IOException {
        TestShop shop = new TestShop();
        shop.text("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain");
        return shop;
    }

    /** The full test shop: every markup style and every misbehaviour. */
    static TestShop full() throws IOException {
        TestShop shop = new TestShop();
        shop.text("/robots.txt", "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n\n"
                + "Sitemap: " + shop.base() + "/sitemap.xml\n", "text/plain");
        shop.text("/sitemap.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                + "  <sitemap><loc>" + shop.base() + "/sitemaps/products.xml.gz</loc></sitemap>\n"
                + "</sitemapindex>\n", "application/xml");
        byte[] urlset = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                + "  <url><loc>" + shop.base() + "/p/sitemap-only-mug</loc></url>\n"
                + "  <url><loc>" + shop.base() + "/p/jsonld-lamp</loc></url>\n"
                + "</urlset>\n").getBytes(StandardCharsets.UTF_8);
        shop.bytes("/sitemaps/products.xml.gz", gzip(urlset), "application/x-gzip");
        shop.page("/", "home.html");
        shop.route("/category/lamps", (ex, hit) -> {
            String q = ex.getRequestURI().getRawQuery();
            shop.send(ex, 200, "text/html; charset=utf-8",
                    shop.fixture("page=2".equals(q) ? "category-lamps-2.html" : "category-lamps.html"));
        });
        for (String name : new String[] {"jsonld-lamp", "group-lamp", "microdata-sofa", "rdfa-chair", "og-vase",
            "partial", "wrong", "aggregate", "broken-image", "noindex"}) {
            shop.page("/p/" + name, name + ".html");
        }
        shop.page("/nofollow-page", "nofollow.html");
        shop.product("/p/hidden-gem", "Hidden Gem", "7", "EUR", "/img/gem.jpg");
        shop.product("/p/never", "Never", "1", "EUR", "/img/never.jpg");
        shop.product("/private/secret", "Secret", "1", "EUR", "/img/secret.jpg");
        shop.product("/p/sitemap-only-mug", "Sitemap Mug", "9.99", "GBP", "/img/mug.jpg");
        shop.redirect("/old-sofa", 301, "/p/microdata-sofa");
        shop.redirect("/loop-a", 302, "/loop-b");
        shop.redirect("/loop-b", 302, "/loop-a");
        shop.route("/flaky", (ex, hit) -> {
            if (hit == 1) {
                shop.send(ex, 500, "text/html", "<h1>Internal Server Error</h1>");
            } else {
                shop.send(ex, 200, "text/html", shop.productHtml("Flaky Teapot", "20", "EUR", "/img/teapot.jpg"));
            }
        });
        shop.route("/busy", (ex, hit) -> {
            if (hit == 1) {
                ex.getResponseHeaders().add("Retry-After", "1");
                shop.send(ex, 429, "text/html", "<h1>Too Many Requests</h1>");
            } else {
                shop.send(ex, 200, "text/html", shop.productHtml("Busy Bee Mug", "8.50", "EUR", "/img/bee.jpg"));
            }
        });
        shop.route("/slow", (ex, hit) -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shop.send(ex, 200, "text/html", shop.productHtml("Slow Sofa", "1", "EUR", "/img/slow.jpg"));
        });
        shop.route("/huge", (ex, hit) -> {
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, 0); // chunked: the size is only known by reading
            try (OutputStream out = ex.getResponseBody()) {
                out.write(shop.productHtml("Huge Rug", "1", "EUR", "/img/rug.jpg").getBytes(StandardCharsets.UTF_8));
                byte[] filler = ("<p>" + "lorem ipsum ".repeat(80) + "</p>\n").getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 2500; i++) {
                    out.write(filler);
                }
            } catch (IOException e) {
                // the crawler hung up once it had enough: that is the point
            }
        });
        shop.bytes("/download", "%PDF-1.4 price list".getBytes(StandardCharsets.US_ASCII), "application/pdf");
        shop.route("/img/", (ex, hit) -> {
            String path = ex.getRequestURI().getPath();
            String name = path.substring("/img/".length());
            switch (name) {
                case "lamp-1-copy.jpg" -> shop.send(ex, 200, "image/jpeg", jpeg("lamp-1.jpg"));
                case "html-as-jpeg.jpg" -> shop.send(ex, 200, "image/jpeg",
                        "<!DOCTYPE html><html><body>Not found</body></html>");
                case "page.jpg" -> shop.send(ex, 200, "text/html", "<html><body>a page</body></html>");
                case "missing.jpg" -> shop.send(ex, 404, "text/html", "not found");
                default -> shop.send(ex, 200, "image/jpeg", jpeg(name));
            }
        });
        return shop;
    }

    String base() {
        return "http://" + authority();
    }

    String authority() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    String url(String path) {
        return base() + path;
    }

    /** Requests seen for a path (query ignored). */
    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    /** Requests seen for paths starting with {@code prefix}. */
    int hitsUnder(String prefix) {
        return hits.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    void route(String path, Route route) {
        routes.put(path, route);
    }

    void remove(String path) {
        routes.remove(path);
    }

    void page(String path, String fixture) {
        route(path, (ex, hit) -> send(ex, 200, "text/html; charset=utf-8", fixture(fixture)));
    }

    void html(String path, String html) {
        route(path, (ex, hit) -> send(ex, 200, "text/html; charset=utf-8", html));
    }

    void text(String path, String text, String type) {
        route(path, (ex, hit) -> send(ex, 200, type, text));
    }

    void bytes(String path, byte[] body, String type) {
        route(path, (ex, hit) -> send(ex, 200, type, body));
    }

    void redirect(String path, int status, String to) {
        route(path, (ex, hit) -> {
            ex.getResponseHeaders().add("Location", to);
            send(ex, status, "text/html", "moved");
        });
    }

    void product(String path, String name, String price, String currency, String image) {
        html(path, productHtml(name, price, currency, image));
    }

    String productHtml(String name, String price, String currency, String image) {
        return fixture("simple-product.html").replace("{{name}}", name).replace("{{price}}", price)
                .replace("{{currency}}", currency).replace("{{image}}", image);
    }

    String fixture(String name) {
        try (InputStream in = TestShop.class.getResourceAsStream("/shop/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{base}}", base()).replace("{{authority}}", authority());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void dispatch(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            arrivals.add(System.nanoTime());
            String path = ex.getRequestURI().getPath();
            int hit = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Route route = routes.get(path);
            if (route == null && path.startsWith("/img/")) {
                route = routes.get("/img/");
            }
            if (route == null) {
                send(ex, 404, "text/html", "<h1>Not found</h1>");
                return;
            }
            route.handle(ex, hit);
        }
    }

    void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A small JPEG whose colours follow from the name: the same name, the same bytes. */
    static byte[] jpeg(String name) {
        int h = name.hashCode();
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(h & 0xFFFFFF));
        g.fillRect(0, 0, 48, 40);
        g.setColor(new Color((h >>> 8) & 0xFFFFFF ^ 0x808080));
        g.fillRect(8, 8, 24, 16);
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
