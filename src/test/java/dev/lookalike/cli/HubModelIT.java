package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.embed.hub.FakeHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path of an {@code hf:} model as a user runs it, against a loopback server that behaves like
 * the Hugging Face Hub (resolve URLs, a redirect of the weights to another host, X-Repo-Commit,
 * X-Linked-Etag): download into the Hub's cache layout, load in Java, embed a catalogue, search; then
 * the same commands with the server gone, from the cache alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubModelIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPO = "lookalike-test/tiny-clip";
    private static final String MODEL = "hf:" + REPO;
    private static final Path FIXTURE = Path.of("src/test/resources/hub/hf-quickgelu").toAbsolutePath();
    private static final Path GOLDEN = Path.of("src/test/resources/hub/golden.json").toAbsolutePath();

    @TempDir
    static Path work;
    static FakeHub hub;
    static Path catalog;

    @BeforeAll
    static void serveTheRepoAndBuildAShop() throws Exception {
        hub = FakeHub.start();
        hub.addRepo(REPO, FIXTURE);
        hub.addRepo("lookalike-test/tiny-open-clip", FIXTURE.resolveSibling("openclip"));
        hub.addRepo("lookalike-test/tiny-gelu-f16", FIXTURE.resolveSibling("hf-gelu-f16"));
        catalog = work.resolve("shop.db");
        Path photos = Files.createDirectories(work.resolve("photos"));
        StringBuilder csv = new StringBuilder("url,name,price,currency,images\n");
        int i = 0;
        for (String png : List.of("red-48x40.png", "gold-purple-48x40.png", "gradient-40x48.png")) {
            Files.copy(Path.of("src/test/resources/models/images", png), photos.resolve(png));
            csv.append("https://shop.test/p/").append(i).append(",Product ").append(i).append(',').append(10 + i++)
                    .append(",EUR,").append(png).append('\n');
        }
        Files.writeString(photos.resolve("shop.csv"), csv);
        App.Result imported = run(env(), "import", photos.resolve("shop.csv").toString(), "--catalog", catalog.toString());
        assertEquals(0, imported.exit(), imported.err());
    }

    @AfterAll
    static void stopTheHub() {
        if (hub != null) {
            hub.close();
        }
    }

    /** The environment of a user whose Hub is the fake one (App gives every run HF_HOME=work/hf). */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.endpoint().toString());
        return env;
    }

    static App.Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = App.builder(work, args);
        pb.environment().putAll(env);
        return App.run(pb, work, args);
    }

    static float[] golden(String text) throws IOException {
        return golden("hf-quickgelu", text);
    }

    static float[] golden(String fixture, String text) throws IOException {
        for (JsonNode t : JSON.readTree(GOLDEN.toFile()).path("fixtures").path(fixture).path("texts")) {
            if (t.path("text").asText().equals(text)) {
                float[] v = new float[t.path("vector").size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) t.path("vector").get(i).asDouble();
                }
                return v;
            }
        }
        throw new AssertionError("no golden vector for " + text);
    }

    static void assertVector(float[] expected, App.Result r) throws IOException {
        assertEquals(0, r.exit(), r.err());
        JsonNode v = JSON.readTree(r.out());
        assertEquals(expected.length, v.size());
        double norm = 0;
        for (float f : expected) {
            norm += f * f;
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i] / Math.sqrt(norm), v.get(i).asDouble(), 1e-5, "component " + i);
        }
    }

    @Test
    @Order(1)
    void embedDownloadsTheModelIntoTheHubCacheAndEmbedsEveryPhoto() throws Exception {
        App.Result r = run(env(), "embed", "--catalog", catalog.toString(), "--model", MODEL);
        assertEquals(0, r.exit(), r.err());
        Path repo = work.resolve("hf/hub/models--lookalike-test--tiny-clip");
        String commit = Files.readString(repo.resolve("refs/main")).strip();
        assertTrue(commit.matches("[0-9a-f]{40}"), commit);
        Path weights = repo.resolve("snapshots").resolve(commit).resolve("model.safetensors");
        assertTrue(Files.isSymbolicLink(weights), "snapshot files link into blobs/, as huggingface_hub lays them out");
        assertEquals(Files.size(FIXTURE.resolve("model.safetensors")), Files.size(weights));
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            assertFalse(blobs.anyMatch(p -> p.toString().endsWith(".incomplete")));
        }
        // the weights are large enough to be served like an LFS file: from the other host, no token there
        assertTrue(hub.requests().stream().anyMatch(q -> q.server().equals("cdn")), hub.requests().toString());

        JsonNode summary = JSON.readTree(r.out());
        assertEquals(3, summary.path("embedded").asInt(), r.out());
    }

    @Test
    @Order(2)
    void searchAndVectorUseTheJavaTowersOfTheCheckpoint() throws Exception {
        App.Result search = run(env(), "search", "a red shirt", "--catalog", catalog.toString(), "--model", MODEL);
        assertEquals(0, search.exit(), search.err());
        assertFalse(search.out().isBlank(), "search found nothing");
        for (String line : search.out().strip().split("\n")) {
            JsonNode n = JSON.readTree(line);
            assertTrue(n.path("name").asText().startsWith("Product "), line);
        }
        // the packaged app gives the vector an independent PyTorch implementation gives for the same files
        assertVector(golden("a red shirt"), run(env(), "vector", "--text", "a red shirt", "--model", MODEL));
    }

    @Test
    @Order(2)
    void theOpenClipLayoutAndGeluFloat16CheckpointsComeTheSameWay() throws Exception {
        assertVector(golden("openclip", "a red shirt"),
                run(env(), "vector", "--text", "a red shirt", "--model", "hf:lookalike-test/tiny-open-clip"));
        assertVector(golden("hf-gelu-f16", "a red shirt"),
                run(env(), "vector", "--text", "a red shirt", "--model", "hf:lookalike-test/tiny-gelu-f16"));
    }

    @Test
    @Order(3)
    void withTheHubGoneTheCacheIsEnough() throws Exception {
        hub.stop();
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        assertVector(golden("a red shirt"), run(offline, "vector", "--text", "a red shirt", "--model", MODEL));
        App.Result search = run(offline, "search", "a red shirt", "--catalog", catalog.toString(), "--model", MODEL);
        assertEquals(0, search.exit(), search.err());
        // online but unreachable: like huggingface_hub, the cached snapshot of the revision is used
        assertVector(golden("a red shirt"), run(env(), "vector", "--text", "a red shirt", "--model", MODEL));
    }

    @Test
    @Order(4)
    void aModelThatCannotBeHadSaysWhyWithExitFour() throws Exception {
        // the Hub is stopped: a model not in the cache names the Hub and the offline switch
        App.Result cold = run(env(), "vector", "--text", "red", "--model", "hf:nobody/nothing");
        assertEquals(4, cold.exit(), cold.err());
        assertTrue(cold.err().contains("HF_HUB_OFFLINE"), cold.err());
        assertEquals(1, cold.err().strip().split("\n").length, "one line: " + cold.err());
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        App.Result notCached = run(offline, "vector", "--text", "red", "--model", "hf:nobody/nothing");
        assertEquals(4, notCached.exit(), notCached.err());
        assertTrue(notCached.err().contains("nobody/nothing"), notCached.err());
        App.Result bad = run(env(), "vector", "--text", "red", "--model", "hf:not a repo");
        assertEquals(4, bad.exit(), bad.err());
        assertTrue(bad.err().contains("hf:OWNER/NAME"), bad.err());
        List<String> lines = new ArrayList<>(List.of(bad.err().strip().split("\n")));
        assertEquals(1, lines.size(), bad.err());
    }
}
