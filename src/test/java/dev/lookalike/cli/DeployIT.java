package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application run the way Dockerfile.jvm runs it: production profile, the JVM flags of the
 * image, a baked catalogue in a read-only folder, the model from a local package, DJL offline. It must
 * turn ready, answer a search, and leave the catalogue exactly as it was.
 */
class DeployIT {

    @TempDir
    Path work;

    @Test
    void servesABakedReadOnlyCatalogueLikeTheImage() throws Exception {
        String model = App.MODELS.resolve("colour-clip").toString();
        Path photos = Files.createDirectories(work.resolve("photos"));
        StringBuilder csv = new StringBuilder("url,name,price,currency,images\n");
        Object[][] shop = {{"Red lamp", Color.RED}, {"Green lamp", Color.GREEN}, {"Blue lamp", Color.BLUE}};
        Random rnd = new Random(2);
        for (int i = 0; i < shop.length; i++) {
            CommandLineIT.writePhoto(photos.resolve(i + ".png"), (Color) shop[i][1], rnd);
            csv.append("https://deploy.test/").append(i).append(',').append(shop[i][0]).append(",10,EUR,photos/")
                    .append(i).append(".png\n");
        }
        Files.writeString(work.resolve("shop.csv"), csv);
        Path live = work.resolve("live.db");
        assertEquals(0, App.run(work, "import", "--catalog", live.toString(), work.resolve("shop.csv").toString()).exit());
        assertEquals(0, App.run(work, "embed", "--catalog", live.toString(), "--model", model).exit());

        Path folder = Files.createDirectories(work.resolve("baked"));
        Path baked = folder.resolve("catalog.db");
        App.Result bake = App.run(work, "bake", "--catalog", live.toString(), "--out", baked.toString());
        assertEquals(0, bake.exit(), bake.err());
        assertTrue(baked.toFile().setReadOnly());
        assertTrue(folder.toFile().setWritable(false, false));
        String before = sha256(baked);

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxRAMPercentage=40", "-XX:+UseSerialGC", "--add-modules=jdk.incubator.vector",
                "-jar", App.JAR.toAbsolutePath().toString(), "serve", "--port", String.valueOf(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(work.resolve("serve.out").toFile()).redirectError(work.resolve("serve.err").toFile());
        pb.environment().put("LOOKALIKE_CATALOG", baked.toString());
        pb.environment().put("LOOKALIKE_READ_ONLY", "true");
        pb.environment().put("LOOKALIKE_MODEL", model);
        pb.environment().put("LOOKALIKE_MODEL_CACHE", work.resolve("models").toString());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putIfAbsent("DJL_CACHE_DIR", Path.of("target/djl-cache").toAbsolutePath().toString());
        Process p = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
            int status = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    status = http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (status == 200) {
                        break;
                    }
                } catch (java.io.IOException notListeningYet) {
                    // the port opens a moment after the JVM starts
                }
                Thread.sleep(100);
            }
            assertEquals(200, status, "never ready: " + Files.readString(work.resolve("serve.err")));
            HttpResponse<String> search = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/search?q=blue")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, search.statusCode(), search.body());
            JsonNode first = new ObjectMapper().readTree(search.body()).get("results").get(0);
            assertEquals("Blue lamp", first.get("name").asText());
            HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + first.get("image").asText())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, image.statusCode());
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
            folder.toFile().setWritable(true);
        }
        assertEquals(before, sha256(baked), "the baked catalogue was written to");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("catalog.db"), files.map(f -> f.getFileName().toString()).toList(),
                    "no journal, WAL or shared-memory file beside a read-only catalogue");
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
