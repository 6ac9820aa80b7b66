package dev.lookalike.embed;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model packages as folders, zips and downloads from a real HTTP server on loopback. */
class ModelLocatorTest {

    @TempDir
    Path dir;

    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    byte[] served;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/colour.zip", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, served.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(served);
            }
        });
        server.createContext("/missing.zip", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static byte[] zipOf(Path folder, String prefix) throws IOException {
        Path zip = Files.createTempFile("pkg", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                out.putNextEntry(new ZipEntry(prefix + f.getFileName()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return Files.readAllBytes(zip);
    }

    @Test
    void localZipWithATopFolderLoads() throws Exception {
        Path zip = dir.resolve("colour.zip");
        Files.write(zip, zipOf(Fixtures.model("colour-clip"), "colour-clip/"));
        ModelLocator locator = new ModelLocator(dir.resolve("cache"), ProgressListener.NONE);
        try (ClipModel m = locator.load(zip.toString())) {
            assertEquals("colour-clip", m.name());
            assertEquals(8, m.embedText("red").length);
        }
        assertEquals("colour-clip", locator.nameOf(zip.toString()));
    }

    @Test
    void urlIsDownloadedOnceVerifiedAndCached() throws Exception {
        served = zipOf(Fixtures.model("colour-clip"), "");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(served));
        long[] lastProgress = {0};
        ModelLocator locator = new ModelLocator(dir.resolve("cache"), (done, total) -> lastProgress[0] = done);
        try (ClipModel m = locator.load(url("/colour.zip") + "#sha256=" + sha)) {
            assertEquals("colour-clip", m.name());
        }
        assertEquals(served.length, lastProgress[0]);
        try (ClipModel m = locator.load(url("/colour.zip") + "#sha256=" + sha)) {
            assertEquals("colour-clip", m.name());
        }
        assertEquals(1, requests.get(), "the second load must come from the cache");
    }

    @Test
    void aWrongChecksumIsRefusedAndNothingIsCached() throws Exception {
        served = zipOf(Fixtures.model("colour-clip"), "");
        ModelLocator locator = new ModelLocator(dir.resolve("cache"), ProgressListener.NONE);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> locator.load(url("/colour.zip") + "#sha256=" + "00".repeat(32)));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        try (Stream<Path> left = Files.walk(dir.resolve("cache"))) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".zip")), "no corrupt download kept");
        }
    }

    @Test
    void httpErrorsAndMissingPathsSayWhat() {
        ModelLocator locator = new ModelLocator(dir.resolve("cache"), ProgressListener.NONE);
        ModelLoadException notFound = assertThrows(ModelLoadException.class, () -> locator.load(url("/missing.zip")));
        assertTrue(notFound.getMessage().contains("HTTP 404"), notFound.getMessage());
        ModelLoadException noDir = assertThrows(ModelLoadException.class, () -> locator.load(dir.resolve("nope").toString()));
        assertTrue(noDir.getMessage().contains("not found"), noDir.getMessage());
        ModelLoadException none = assertThrows(ModelLoadException.class, () -> locator.load(""));
        assertTrue(none.getMessage().contains("--model"));
    }

    @Test
    void aTracedHuggingFaceClipLoadsThroughDjlCriteria() throws Exception {
        String url = Fixtures.model("tiny-hf-clip").toUri().toString();
        try (ClipModel m = TorchClipModel.loadHuggingFace(url, null, "openai/clip-tiny", TextPrecision.AUTO)) {
            assertEquals("openai/clip-tiny", m.name());
            assertEquals(8, m.dim());
        }
    }

    @Test
    void djlZooUrlsAreRefusedWithTheHubNameToUseInstead() {
        // DJL 0.36.0's zoo index (cv/zero_shot_image_classification/ai.djl.huggingface.pytorch.json in
        // ai.djl.huggingface:tokenizers) lists no ViT-B/32 CLIP: the old default never existed
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> new ModelLocator(dir, ProgressListener.NONE)
                .load("djl://ai.djl.huggingface.pytorch/openai/clip-vit-base-patch32"));
        assertTrue(e.getMessage().contains("hf:openai/clip-vit-base-patch32"), e.getMessage());
    }

    @Test
    void aFolderThatIsNoPackageIsNamedAsSuch() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelLocator.loadDirectory(empty));
        assertTrue(e.getMessage().contains("lookalike-model.json"), e.getMessage());
    }

    @Test
    void badManifestsAreRefusedWithTheField() throws Exception {
        Path pkg = Files.createDirectories(dir.resolve("pkg"));
        for (Path f : List.of(Fixtures.model("colour-clip").resolve("image.pt"), Fixtures.model("colour-clip").resolve("text.pt"),
                Fixtures.model("colour-clip").resolve("bpe_tiny_vocab.txt.gz"))) {
            Files.copy(f, pkg.resolve(f.getFileName()));
        }
        String manifest = Files.readString(Fixtures.model("colour-clip").resolve("lookalike-model.json"));
        Files.writeString(pkg.resolve("lookalike-model.json"), manifest.replace("\"dim\": 8", "\"dim\": 9"));
        ModelLoadException dim = assertThrows(ModelLoadException.class, () -> ModelLocator.loadDirectory(pkg));
        assertTrue(dim.getMessage().contains("dim 9"), dim.getMessage());
        Files.writeString(pkg.resolve("lookalike-model.json"), manifest.replace("\"format\": 1", "\"format\": 7"));
        ModelLoadException format = assertThrows(ModelLoadException.class, () -> ModelLocator.loadDirectory(pkg));
        assertTrue(format.getMessage().contains("format 7"), format.getMessage());
        Files.writeString(pkg.resolve("lookalike-model.json"), manifest);
        Files.writeString(pkg.resolve("image.pt"), "not torchscript either");
        try (ClipModel textOnly = ModelLocator.loadDirectory(pkg)) {
            // the image tower loads on first use, so text works and images fail with the file named
            assertEquals(8, textOnly.embedText("red").length);
            EmbeddingException lazy = assertThrows(EmbeddingException.class,
                    () -> textOnly.embedPixels(List.of(new float[3 * 32 * 32])));
            assertTrue(lazy.getMessage().contains("image.pt"), lazy.getMessage());
        }
        Files.writeString(pkg.resolve("text.pt"), "not torchscript");
        ModelLoadException broken = assertThrows(ModelLoadException.class, () -> ModelLocator.loadDirectory(pkg));
        assertTrue(broken.getMessage().contains("text.pt"), broken.getMessage());
    }

    @Test
    void zipEntriesCannotEscapeTheCache() throws Exception {
        Path zip = dir.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("../../escaped.txt"));
            out.write("gotcha".getBytes());
            out.closeEntry();
        }
        ModelLocator locator = new ModelLocator(dir.resolve("cache"), ProgressListener.NONE);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> locator.load(zip.toString()));
        assertTrue(e.getMessage().contains("escapes"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("escaped.txt")));
    }
}
