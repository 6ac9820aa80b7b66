package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo --shop URL --model DIR}: scrape a shop on loopback, embed it with the colour fixture
 * model, and serve the gallery — fully offline, as a user runs it.
 */
class DemoIT {

    static final String[][] PRODUCTS = {
            {"Red kettle", "FF2010", "49.90"}, {"Green vase", "20B030", "25.00"}, {"Blue bowl", "2030D0", "12.50"},
            {"Yellow chair", "F0E020", "99.00"}, {"Purple cushion", "8020A0", "15.00"}};

    @TempDir
    Path work;

    static byte[] png(String hex) throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        int rgb = Integer.parseInt(hex, 16);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static HttpServer shop() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        StringBuilder home = new StringBuilder("<html><body><h1>Tiny shop</h1>");
        for (int i = 0; i < PRODUCTS.length; i++) {
            String[] p = PRODUCTS[i];
            home.append("<a href='/p/").append(i).append("'>").append(p[0]).append("</a>");
            String page = "<html><head><title>" + p[0] + "</title><script type='application/ld+json'>"
                    + "{\"@context\":\"https://schema.org\",\"@type\":\"Product\",\"name\":\"" + p[0] + "\","
                    + "\"image\":\"/img/" + i + ".png\",\"offers\":{\"@type\":\"Offer\",\"price\":\"" + p[2]
                    + "\",\"priceCurrency\":\"EUR\"}}</script></head><body><h1>" + p[0] + "</h1></body></html>";
            byte[] html = page.getBytes(StandardCharsets.UTF_8);
            byte[] photo = png(p[1]);
            server.createContext("/p/" + i, ex -> send(ex, "text/html; charset=utf-8", html));
            server.createContext("/img/" + i + ".png", ex -> send(ex, "image/png", photo));
        }
        byte[] homeHtml = home.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/")) {
                send(ex, "text/html; charset=utf-8", homeHtml);
            } else {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            }
        });
        server.createContext("/robots.txt", ex -> send(ex, "text/plain", "User-agent: *\nAllow: /\n".getBytes()));
        server.start();
        return server;
    }

    static void send(com.sun.net.httpserver.HttpExchange ex, String type, byte[] body) throws java.io.IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void scrapesEmbedsAndServesAShopOffline() throws Exception {
        HttpServer server = shop();
        int port = freePort();
        String shopUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        Process p = App.builder(work, "demo", "--shop", shopUrl, "--model", App.MODELS.resolve("colour-clip").toString(),
                "--catalog", work.resolve("demo.db").toString(), "--port", String.valueOf(port), "--delay-ms", "0")
                .redirectErrorStream(true).start();
        List<String> said = new ArrayList<>();
        try {
            CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (said) {
                            said.add(line);
                        }
                        if (line.contains("open http://localhost:" + port + "/")) {
                            return true;
                        }
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertTrue(ready.get(3, TimeUnit.MINUTES), "demo never said where to open the browser: " + said);
            synchronized (said) {
                String all = String.join("\n", said);
                assertTrue(all.contains("[1/3] scraping"), all);
                assertTrue(all.contains("[2/3] embedding"), all);
                assertTrue(all.contains("5 products"), all);
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            HttpResponse<String> search = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/api/search?q=red&limit=3")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, search.statusCode(), search.body());
            JsonNode results = new ObjectMapper().readTree(search.body()).get("results");
            assertEquals("Red kettle", results.get(0).get("name").asText(), search.body());
            assertEquals(49.90, results.get(0).get("price").asDouble(), 1e-9);
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
            server.stop(0);
        }
    }
}
