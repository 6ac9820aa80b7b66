package dev.lookalike.embed.hub;

import dev.lookalike.embed.ProgressListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubClientTest {

    private static final String REPO = "acme/tiny-clip";
    private static final byte[] CONFIG = "{\"projection_dim\": 512}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = bytes(300_000, 1);
    private static final String TOKEN = "hf_secret";

    @TempDir
    Path tmp;
    private FakeHub hub;
    private Path cacheDir;
    private String commit;

    @BeforeEach
    void start() throws IOException {
        hub = FakeHub.start();
        commit = hub.addRepo(REPO, Map.of("config.json", CONFIG, "model.safetensors", WEIGHTS,
                "tokenizer/vocab.txt", "a\nb\n".getBytes(StandardCharsets.UTF_8)));
        cacheDir = tmp.resolve("hub");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubClient client(String token, boolean offline) {
        return clientFor(new HubSettings(hub.endpoint(), token, cacheDir, offline), true);
    }

    private HubClient clientFor(HubSettings settings, boolean symlinks) {
        return new HubClient(settings, null, tuning(Duration.ofMillis(1500), symlinks));
    }

    /** An anonymous online client with quick retries that tells {@code progress}. */
    private HubClient clientWith(ProgressListener progress, Duration readTimeout) {
        return new HubClient(new HubSettings(hub.endpoint(), null, cacheDir, false), progress,
                tuning(readTimeout, true));
    }

    /** Retries 10 ms apart at first, 40 ms at most; Retry-After capped at 100 ms. */
    private static HubClient.Tuning tuning(Duration readTimeout, boolean symlinks) {
        return new HubClient.Tuning(Duration.ofSeconds(2), readTimeout, 3, Duration.ofMillis(10),
                Duration.ofMillis(40), Duration.ofMillis(100), symlinks);
    }

    private Path storage() {
        return cacheDir.resolve("models--acme--tiny-clip");
    }

    private List<FakeHub.Request> requests(String server, String method) {
        return hub.requests().stream().filter(r -> r.server().equals(server) && r.method().equals(method)).toList();
    }

    @Test
    void aSmallFileIsHeadThenGetIntoBlobsLinkedFromSnapshotsWithARef() throws Exception {
        Path path = client(null, false).download(new HubRepo(REPO), "config.json");

        String etag = FakeHub.gitBlobSha1(CONFIG);
        assertEquals(storage().resolve("snapshots").resolve(commit).resolve("config.json"), path);
        assertTrue(Files.isSymbolicLink(path));
        assertEquals(Path.of("../../blobs/" + etag), Files.readSymbolicLink(path));
        assertArrayEquals(CONFIG, Files.readAllBytes(path));
        assertEquals(commit, Files.readString(storage().resolve("refs/main")));
        assertTrue(Files.isRegularFile(cacheDir.resolve("CACHEDIR.TAG")));
        assertTrue(Files.isRegularFile(cacheDir.resolve(".locks/models--acme--tiny-clip/" + etag + ".lock")));
        assertFalse(Files.exists(storage().resolve("blobs/" + etag + ".incomplete")));

        List<FakeHub.Request> all = hub.requests();
        assertEquals(List.of("HEAD", "GET"), all.stream().map(FakeHub.Request::method).toList());
        assertEquals("/acme/tiny-clip/resolve/main/config.json", all.get(0).path());
        assertEquals("identity", all.get(0).acceptEncoding());
        assertTrue(all.get(0).userAgent().startsWith("lookalike/"), all.get(0).userAgent());
        assertTrue(all.stream().allMatch(r -> r.host().startsWith("localhost:")));
    }

    @Test
    void aLargeFileComesFromTheCdnWhichNeverSeesTheToken() throws Exception {
        Path path = client(TOKEN, false).download(new HubRepo(REPO), "model.safetensors");

        assertArrayEquals(WEIGHTS, Files.readAllBytes(path));
        assertEquals(Path.of("../../blobs/" + FakeHub.sha256(WEIGHTS)), Files.readSymbolicLink(path));
        FakeHub.Request head = requests("hub", "HEAD").get(0);
        assertEquals("Bearer " + TOKEN, head.authorization());
        assertTrue(requests("hub", "GET").isEmpty(), "the GET goes straight to the CDN address of the HEAD");
        List<FakeHub.Request> cdn = requests("cdn", "GET");
        assertEquals(1, cdn.size());
        assertTrue(cdn.get(0).host().startsWith("127.0.0.1:"));
        assertNull(cdn.get(0).authorization());
    }

    @Test
    void theTokenGoesToTheHubHostForSmallFiles() throws Exception {
        client(TOKEN, false).download(new HubRepo(REPO), "config.json");
        assertTrue(hub.requests().stream().allMatch(r -> ("Bearer " + TOKEN).equals(r.authorization())));
    }

    @Test
    void aNestedFileLinksWithOneMoreDotDot() throws Exception {
        Path path = client(null, false).download(new HubRepo(REPO), "tokenizer/vocab.txt");
        assertEquals(storage().resolve("snapshots/" + commit + "/tokenizer/vocab.txt"), path);
        assertEquals(Path.of("../../../blobs/" + FakeHub.gitBlobSha1("a\nb\n".getBytes(StandardCharsets.UTF_8))),
                Files.readSymbolicLink(path));
    }

    @Test
    void theRevisionIsQuotedWholeAndTheFileKeepsItsSlashes() throws Exception {
        String pr = hub.commit(REPO, "refs/pr/1", Map.of("dir/my file.txt", CONFIG));
        Path path = client(null, false).download(new HubRepo(REPO, "refs/pr/1"), "dir/my file.txt");

        assertEquals("/acme/tiny-clip/resolve/refs%2Fpr%2F1/dir/my%20file.txt", hub.requests().get(0).path());
        assertEquals(pr, Files.readString(storage().resolve("refs/refs/pr/1")));
        assertArrayEquals(CONFIG, Files.readAllBytes(path));
        assertEquals("refs%2Fpr%2F1", HubClient.quote("refs/pr/1", false));
        assertEquals("a/b%20c~_.-%C3%A9", HubClient.quote("a/b c~_.-é", true));
    }

    @Test
    void etagsLoseQuotesAndTheWeakPrefix() {
        assertEquals("abc", HubClient.normalizeEtag("W/\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("abc"));
        assertNull(HubClient.normalizeEtag(null));
    }

    @Test
    void aCommitAlreadyCachedIsServedWithoutAByteOfNetwork() throws Exception {
        HubRepo pinned = new HubRepo(REPO, commit);
        Path first = client(null, false).download(pinned, "model.safetensors");
        assertFalse(Files.exists(storage().resolve("refs")), "a commit needs no ref");
        hub.clearRequests();

        assertEquals(first, client(null, false).download(pinned, "model.safetensors"));
        hub.stop();
        assertEquals(first, client(null, false).download(pinned, "model.safetensors"));
        assertTrue(hub.requests().isEmpty());
    }

    @Test
    void aBranchOnlineAsksTheHubButReusesTheBlobWhenTheEtagMatches() throws Exception {
        HubClient client = client(null, false);
        client.download(new HubRepo(REPO), "model.safetensors");
        hub.clearRequests();

        client.download(new HubRepo(REPO), "model.safetensors");
        assertEquals(List.of("HEAD"), hub.requests().stream().map(FakeHub.Request::method).toList());

        // A new commit with the same bytes: a new snapshot, the same blob, still no GET.
        String next = hub.commit(REPO, "main", Map.of("model.safetensors", WEIGHTS));
        hub.clearRequests();
        Path path = client.download(new HubRepo(REPO), "model.safetensors");
        assertEquals(storage().resolve("snapshots/" + next + "/model.safetensors"), path);
        assertEquals(next, Files.readString(storage().resolve("refs/main")));
        assertEquals(List.of("HEAD"), hub.requests().stream().map(FakeHub.Request::method).toList());
        try (Stream<Path> blobs = Files.list(storage().resolve("blobs"))) {
            assertEquals(1, blobs.count());
        }
    }

    /** Writes what huggingface_hub's hf_hub_download leaves behind: blobs, relative symlinks, refs/main. */
    private void cacheLikePython(String file, byte[] content) throws IOException {
        String etag = hub.etagOf(content);
        Path blob = storage().resolve("blobs").resolve(etag);
        Files.createDirectories(blob.getParent());
        Files.write(blob, content);
        Path pointer = storage().resolve("snapshots").resolve(commit).resolve(file);
        Files.createDirectories(pointer.getParent());
        Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        Files.createDirectories(storage().resolve("refs"));
        Files.writeString(storage().resolve("refs/main"), commit);
    }

    @Test
    void aCacheWrittenByHuggingfaceHubIsUsedOfflineAndWithTheHubDown() throws Exception {
        cacheLikePython("model.safetensors", WEIGHTS);
        cacheLikePython("tokenizer/vocab.txt", "a\nb\n".getBytes(StandardCharsets.UTF_8));

        Path offline = client(null, true).download(new HubRepo(REPO), "model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(offline));
        assertArrayEquals("a\nb\n".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(client(null, true).download(new HubRepo(REPO), "tokenizer/vocab.txt")));
        assertTrue(hub.requests().isEmpty());

        hub.stop();
        Path hubDown = client(null, false).download(new HubRepo(REPO), "model.safetensors");
        assertEquals(offline, hubDown);
    }

    @Test
    void offlineAFileNotInTheCacheIsAnErrorNamingHfHubOffline() throws Exception {
        cacheLikePython("config.json", CONFIG);
        HubException e = assertThrows(HubException.class,
                () -> client(null, true).download(new HubRepo(REPO), "model.safetensors"));
        assertTrue(e.getMessage().contains("not in the cache"), e.getMessage());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        assertTrue(e.getMessage().contains(REPO) && e.getMessage().contains("model.safetensors"), e.getMessage());
        assertThrows(HubException.class, () -> client(null, true).download(new HubRepo("acme/other"), "x.json"));
        assertTrue(hub.requests().isEmpty());
    }

    @Test
    void aDroppedConnectionResumesWithARange() throws Exception {
        hub.dropNextDownload(100_000);
        AtomicLong last = new AtomicLong();
        List<Long> totals = new ArrayList<>();
        HubClient client = clientWith((done, total) -> {
            last.set(done);
            totals.add(total);
        }, Duration.ofSeconds(2));

        Path path = client.download(new HubRepo(REPO), "model.safetensors");

        assertArrayEquals(WEIGHTS, Files.readAllBytes(path));
        List<FakeHub.Request> gets = requests("cdn", "GET");
        assertEquals(2, gets.size());
        assertNull(gets.get(0).range());
        assertEquals("bytes=100000-", gets.get(1).range());
        assertEquals(WEIGHTS.length, last.get());
        assertTrue(totals.stream().allMatch(t -> t == WEIGHTS.length));
    }

    @Test
    void aStalledDownloadTimesOutAndResumes() throws Exception {
        hub.stallNextDownload(50_000, 3_000);
        HubClient client = clientWith(null, Duration.ofMillis(300));
        long start = System.nanoTime();
        Path path = client.download(new HubRepo(REPO), "model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(path));
        assertEquals("bytes=50000-", requests("cdn", "GET").get(1).range());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the read timeout cut the stall short");
    }

    @Test
    void aHalfWrittenFileNeverReachesSnapshotsAndTheNextRunResumesIt() throws Exception {
        hub.dropNextDownload(120_000);
        // Once the first bytes are in, the resume fails too: a signed URL that expired.
        HubClient client = clientWith((done, total) -> {
            if (done > 0 && done < total) {
                hub.failNextCdn(403, 10);
            }
        }, Duration.ofSeconds(2));
        String blobName = FakeHub.sha256(WEIGHTS);
        HubException e = assertThrows(HubException.class,
                () -> client.download(new HubRepo(REPO), "model.safetensors"));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertFalse(Files.exists(storage().resolve("snapshots/" + commit + "/model.safetensors")));
        assertFalse(Files.exists(storage().resolve("blobs/" + blobName)));
        assertEquals(120_000, Files.size(storage().resolve("blobs/" + blobName + ".incomplete")));

        hub.failNextCdn(403, 0);
        hub.clearRequests();
        Path path = client(null, false).download(new HubRepo(REPO), "model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(path));
        assertEquals("bytes=120000-", requests("cdn", "GET").get(0).range());
        assertFalse(Files.exists(storage().resolve("blobs/" + blobName + ".incomplete")));
    }

    @Test
    void aChecksumMismatchCachesNothingAndNamesBothHashes() throws Exception {
        hub.corrupt(REPO, "model.safetensors");
        HubException e = assertThrows(HubException.class,
                () -> client(null, false).download(new HubRepo(REPO), "model.safetensors"));
        String expected = FakeHub.sha256(WEIGHTS);
        assertTrue(e.getMessage().contains("expected " + expected), e.getMessage());
        assertTrue(e.getMessage().matches(".*got [0-9a-f]{64}.*"), e.getMessage());
        try (Stream<Path> blobs = Files.list(storage().resolve("blobs"))) {
            assertEquals(0, blobs.count(), "neither the blob nor its .incomplete is left");
        }
        assertFalse(Files.exists(storage().resolve("snapshots/" + commit + "/model.safetensors")));
    }

    @Test
    void a500IsRetriedAndRetryAfterIsHonouredUpToTheCap() throws Exception {
        hub.failNext(500, 1, null);
        assertArrayEquals(CONFIG, Files.readAllBytes(client(null, false).download(new HubRepo(REPO), "config.json")));
        assertEquals(2, requests("hub", "HEAD").size());

        try (Stream<Path> all = Files.walk(cacheDir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        hub.clearRequests();
        hub.failNext(503, 2, 3600);
        long start = System.nanoTime();
        client(null, false).download(new HubRepo(REPO), "config.json");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "Retry-After: 3600 is capped");
        assertEquals(3, requests("hub", "HEAD").size());
    }

    @Test
    void aCdn500IsRetriedToo() throws Exception {
        hub.failNextCdn(502, 1);
        assertArrayEquals(WEIGHTS, Files.readAllBytes(client(null, false).download(new HubRepo(REPO),
                "model.safetensors")));
        assertEquals(2, requests("cdn", "GET").size());
    }

    @Test
    void a4xxIsNotRetried() {
        hub.failNext(400, 5, null);
        HubException e = assertThrows(HubException.class,
                () -> client(null, false).download(new HubRepo(REPO), "config.json"));
        assertTrue(e.getMessage().contains("400"), e.getMessage());
        assertEquals(1, hub.requests().size());
    }

    @Test
    void aHubThatKeepsFailingSaysSoAfterItsTries() {
        hub.failNext(503, 100, null);
        HubException e = assertThrows(HubException.class,
                () -> client(null, false).download(new HubRepo(REPO), "config.json"));
        assertTrue(e.getMessage().contains("503") && e.getMessage().contains("try again later"), e.getMessage());
        // one quick HEAD (then the cache is checked, like huggingface_hub), then the retried ones
        assertEquals(1 + 3, hub.requests().size());
    }

    @Test
    void anUnknownRepoIsNamedWithAndWithoutAToken() {
        HubException anonymous = assertThrows(HubException.class,
                () -> client(null, false).download(new HubRepo("acme/nope"), "config.json"));
        assertTrue(anonymous.getMessage().startsWith("repository acme/nope not found"), anonymous.getMessage());
        assertTrue(anonymous.getMessage().contains("HF_TOKEN") && anonymous.getMessage().contains("(401"),
                anonymous.getMessage());
        HubException withToken = assertThrows(HubException.class,
                () -> client(TOKEN, false).download(new HubRepo("acme/nope"), "config.json"));
        assertTrue(withToken.getMessage().contains("acme/nope") && withToken.getMessage().contains("404"),
                withToken.getMessage());
    }

    @Test
    void anUnknownFileNamesRepoRevisionAndFileAndIsRememberedUnderNoExist() throws Exception {
        HubException e = assertThrows(HubException.class,
                () -> client(null, false).download(new HubRepo(REPO), "pytorch_model.bin"));
        assertEquals("acme/tiny-clip has no file pytorch_model.bin at revision main: check the file name on "
                + hub.endpoint() + "/acme/tiny-clip/tree/main", e.getMessage());
        assertTrue(Files.isRegularFile(storage().resolve(".no_exist/" + commit + "/pytorch_model.bin")));
        assertEquals(commit, Files.readString(storage().resolve("refs/main")));

        assertEquals(Optional.empty(), client(null, false).downloadIfExists(new HubRepo(REPO), "pytorch_model.bin"));
        hub.clearRequests();
        assertEquals(Optional.empty(), client(null, true).downloadIfExists(new HubRepo(REPO), "pytorch_model.bin"));
        assertEquals(Optional.empty(), client(null, false).downloadIfExists(new HubRepo(REPO, commit),
                "pytorch_model.bin"));
        assertTrue(hub.requests().isEmpty(), "offline and for a commit, .no_exist answers");
        assertThrows(HubException.class, () -> client(null, true).download(new HubRepo(REPO), "pytorch_model.bin"));

        Optional<Path> found = client(null, false).downloadIfExists(new HubRepo(REPO), "config.json");
        assertArrayEquals(CONFIG, Files.readAllBytes(found.orElseThrow()));
    }

    @Test
    void anUnknownRevisionIsNamed() {
        HubException e = assertThrows(HubException.class,
                () -> client(null, false).downloadIfExists(new HubRepo(REPO, "v9"), "config.json"));
        assertTrue(e.getMessage().contains("no revision 'v9'") && e.getMessage().contains(REPO), e.getMessage());
    }

    @Test
    void aPrivateRepoWantsTheRightToken() throws Exception {
        hub.requireToken(REPO, TOKEN);
        HubException none = assertThrows(HubException.class,
                () -> client(null, false).download(new HubRepo(REPO), "config.json"));
        assertTrue(none.getMessage().contains("set HF_TOKEN and accept the model's licence on " + hub.endpoint()
                + "/" + REPO), none.getMessage());
        HubException wrong = assertThrows(HubException.class,
                () -> client("hf_wrong", false).download(new HubRepo(REPO), "config.json"));
        assertTrue(wrong.getMessage().contains("refused the token in HF_TOKEN (401"), wrong.getMessage());
        assertTrue(wrong.getMessage().contains(hub.endpoint() + "/" + REPO), wrong.getMessage());
        assertArrayEquals(CONFIG, Files.readAllBytes(client(TOKEN, false).download(new HubRepo(REPO),
                "config.json")));
    }

    @Test
    void aGatedRepoSaysToAcceptTheLicence() {
        hub.gate(REPO);
        HubException e = assertThrows(HubException.class,
                () -> client(TOKEN, false).download(new HubRepo(REPO), "config.json"));
        assertTrue(e.getMessage().contains("accept the model's licence on " + hub.endpoint() + "/" + REPO)
                && e.getMessage().contains("HF_TOKEN") && e.getMessage().contains("403"), e.getMessage());
    }

    @Test
    void noNetworkWithAColdCacheNamesTheEndpointAndHfHubOffline() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port);
        HubException e = assertThrows(HubException.class, () -> clientFor(new HubSettings(dead, null, cacheDir, false),
                true).download(new HubRepo(REPO), "config.json"));
        assertTrue(e.getMessage().startsWith("the Hub at " + dead + " cannot be reached"), e.getMessage());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());

        HubException unknownHost = assertThrows(HubException.class, () -> clientFor(new HubSettings(
                URI.create("http://no-such-host.invalid"), null, cacheDir, false), true)
                .download(new HubRepo(REPO), "config.json"));
        assertTrue(unknownHost.getMessage().contains("cannot be reached"), unknownHost.getMessage());
    }

    @Test
    void everyMessageIsOneLine() {
        hub.requireToken(REPO, TOKEN);
        List<Exception> errors = new ArrayList<>();
        errors.add(assertThrows(HubException.class, () -> client("x", false).download(new HubRepo(REPO), "a")));
        errors.add(assertThrows(HubException.class, () -> client(null, true).download(new HubRepo(REPO), "a")));
        errors.add(assertThrows(HubException.class, () -> client(null, false).download(new HubRepo("a/b"), "a")));
        for (Exception e : errors) {
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("Exception"), e.getMessage());
        }
    }

    @Test
    void aRenamedRepoIsFollowedThroughItsRelativeRedirect() throws Exception {
        hub.rename("acme/old-name", REPO);
        Path path = client(null, false).download(new HubRepo("acme/old-name"), "model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(path));
        assertTrue(path.startsWith(cacheDir.resolve("models--acme--old-name")), "cached under the name asked for");
        List<String> heads = requests("hub", "HEAD").stream().map(FakeHub.Request::path).toList();
        assertEquals(List.of("/acme/old-name/resolve/main/model.safetensors",
                "/acme/tiny-clip/resolve/main/model.safetensors"), heads);
    }

    @Test
    void withoutSymlinksTheSnapshotHoldsARealFile() throws Exception {
        HubClient client = clientFor(new HubSettings(hub.endpoint(), null, cacheDir, false), false);
        Path path = client.download(new HubRepo(REPO), "config.json");
        assertFalse(Files.isSymbolicLink(path));
        assertArrayEquals(CONFIG, Files.readAllBytes(path));
    }

    @Test
    void concurrentDownloadsOfOneBlobFetchItOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> client(null, false).download(new HubRepo(REPO), "model.safetensors")));
            }
            for (Future<Path> f : results) {
                assertArrayEquals(WEIGHTS, Files.readAllBytes(f.get(20, TimeUnit.SECONDS)));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, requests("cdn", "GET").size());
    }

    @Test
    void anotherProcessHoldingTheBlobLockMakesUsWait() throws Exception {
        String etag = FakeHub.sha256(WEIGHTS);
        Path lockFile = cacheDir.resolve(".locks/models--acme--tiny-clip/" + etag + ".lock");
        Files.createDirectories(lockFile.getParent());
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            CompletableFuture<Path> download = CompletableFuture.supplyAsync(() -> {
                try {
                    return client(null, false).download(new HubRepo(REPO), "model.safetensors");
                } catch (HubException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertFalse(download.isDone(), "waits for the other process");
            assertTrue(requests("cdn", "GET").isEmpty());
            other.getOutputStream().close();
            assertArrayEquals(WEIGHTS, Files.readAllBytes(download.get(20, TimeUnit.SECONDS)));
        } finally {
            other.destroy();
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void badFileNamesAreRefusedBeforeAnyRequest() {
        HubClient client = client(null, false);
        for (String bad : new String[]{"", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b"}) {
            assertThrows(IllegalArgumentException.class, () -> client.download(new HubRepo(REPO), bad), bad);
        }
        assertTrue(hub.requests().isEmpty());
    }

    @Test
    void filesFromAFolderAreServed() throws Exception {
        Path folder = tmp.resolve("repo");
        Files.createDirectories(folder.resolve("sub"));
        Files.write(folder.resolve("sub/a.bin"), WEIGHTS);
        hub.addRepo("acme/from-folder", folder);
        Path path = client(null, false).download(new HubRepo("acme/from-folder"), "sub/a.bin");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(path));
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
