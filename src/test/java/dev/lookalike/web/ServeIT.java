package dev.lookalike.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} from the packaged application, as a user starts it, on a free port. */
class ServeIT {

    static final Path JAR = Path.of(System.getProperty("lookalike.app", "target/quarkus-app/quarkus-run.jar"));
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    Process start(Path out, Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("LOOKALIKE_MODEL_CACHE", work.resolve("model-cache").toString());
        pb.environment().put("DJL_CACHE_DIR", Path.of(System.getProperty("DJL_CACHE_DIR", "target/djl-cache"))
                .toAbsolutePath().toString());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().remove("LOOKALIKE_CATALOG");
        pb.environment().remove("LOOKALIKE_MODEL");
        return pb.start();
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesTheGalleryAndApiOnTheGivenPort() throws Exception {
        Path catalogue = TestShop.build(work);
        int port = freePort();
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process p = start(out, err, "serve", "--port", String.valueOf(port), "--catalog", catalogue.toString(),
                "--model", TestShop.MODEL.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            int status = -1;
            while (status != 200) {
                assertTrue(p.isAlive(), "serve exited: " + Files.readString(err));
                assertTrue(System.nanoTime() < deadline, "not ready in 2 minutes: " + Files.readString(err));
                try {
                    status = get(port, "/q/health/ready").statusCode();
                } catch (IOException notYet) {
                    status = -1;
                }
                Thread.sleep(100);
            }
            // a local run listens on the loopback address only (Linux shows listening sockets in /proc/net)
            List<String> listening = listeners(port);
            assertEquals(1, listening.size(), "listening on " + listening);
            // 127.0.0.1 as IPv4, or as the IPv4-mapped IPv6 address ::ffff:127.0.0.1 of a dual-stack socket
            assertTrue(List.of("0100007F", "0000000000000000FFFF00000100007F").contains(listening.get(0)),
                    "listening on " + listening + ", not only 127.0.0.1");
            JsonNode json = new ObjectMapper().readTree(get(port, "/api/search?q=red&limit=3").body());
            assertEquals(3, json.get("results").size(), json.toString());
            assertTrue(ApiTest.REDS.contains(json.get("results").get(0).get("name").asText()), json.toString());
            String image = json.get("results").get(0).get("image").asText();
            HttpResponse<String> img = get(port, image);
            assertEquals(200, img.statusCode());
            assertTrue(img.headers().firstValue("ETag").isPresent());
            HttpResponse<String> home = get(port, "/?q=red");
            assertEquals(200, home.statusCode());
            assertTrue(home.body().contains("Results for “red”"), home.body());
            assertTrue(Files.readString(err, StandardCharsets.UTF_8).contains("open http://localhost:" + port + "/"),
                    Files.readString(err));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
    }

    /** The local addresses (hex, as /proc/net/tcp writes them) with a socket listening on {@code port}. */
    static List<String> listeners(int port) throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "no /proc/net/tcp: not Linux");
        String suffix = ":" + String.format("%04X", port);
        List<String> found = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (!Files.isReadable(Path.of(table))) {
                continue;
            }
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] col = line.trim().split("\\s+");
                if (col.length > 3 && col[1].endsWith(suffix) && col[3].equals("0A")) { // 0A: LISTEN
                    found.add(col[1].substring(0, col[1].indexOf(':')));
                }
            }
        }
        return found;
    }

    @Test
    void hostOpensTheServerToOtherMachinesWhenAsked() throws Exception {
        Path catalogue = TestShop.build(work);
        int port = freePort();
        Process p = start(work.resolve("out.txt"), work.resolve("err.txt"), "serve", "--port", String.valueOf(port),
                "--host", "0.0.0.0", "--catalog", catalogue.toString(), "--model", TestShop.MODEL.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            List<String> listening = listeners(port);
            while (listening.isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                listening = listeners(port);
            }
            assertTrue(listening.contains("00000000") || listening.contains("00000000000000000000000000000000"),
                    "--host 0.0.0.0 listens on " + listening + ": " + Files.readString(work.resolve("err.txt")));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
    }

    @Test
    void aMissingCatalogueIsReportedNotServed() throws Exception {
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process p = start(out, err, "serve", "--port", String.valueOf(freePort()), "--catalog",
                work.resolve("nope.db").toString(), "--model", TestShop.MODEL.toString());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(3, p.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("does not exist"), Files.readString(err));
    }
}
