package dev.lookalike.embed.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A Hugging Face Hub on loopback for tests: {@code /OWNER/NAME/resolve/REVISION/FILE} answered for
 * HEAD and GET like huggingface.co answers them. The Hub listens on {@code localhost}, its "CDN" on
 * {@code 127.0.0.1}, so a test can tell which host got a token.
 * <ul>
 *   <li>every answer carries {@code X-Repo-Commit}; revisions are branches or 40-hex commits;
 *   <li>files up to {@link #lfsThreshold} bytes are plain git files: 200, {@code ETag} = git blob
 *       sha1, {@code Content-Length};
 *   <li>larger files are LFS: 302 to the CDN with {@code X-Linked-Etag} (SHA-256) and
 *       {@code X-Linked-Size}; the CDN honours {@code Range: bytes=N-};
 *   <li>errors carry {@code X-Error-Code}: {@code RepoNotFound} (401 without a token, 404 with one),
 *       {@code RevisionNotFound}, {@code EntryNotFound}, {@code GatedRepo};
 *   <li>faults on demand: {@link #failNext}, {@link #dropNextDownload}, {@link #stallNextDownload},
 *       {@link #corrupt}, {@link #requireToken};
 *   <li>{@link #requests()} records every request on either server.
 * </ul>
 * <pre>
 * try (FakeHub hub = FakeHub.start()) {
 *     String commit = hub.addRepo("owner/model", Map.of("config.json", bytes));
 *     HubSettings s = new HubSettings(hub.endpoint(), null, cacheDir, false);
 * }
 * </pre>
 */
public final class FakeHub implements AutoCloseable {

    /** One request as a server saw it; {@code server} is "hub" or "cdn". */
    public record Request(String server, String method, String host, String path, String range,
                          String authorization, String userAgent, String acceptEncoding) {
    }

    /** Files larger than this are served as LFS files unless {@link #lfsThreshold(int)} says otherwise. */
    public static final int DEFAULT_LFS_THRESHOLD = 1024;

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, String>> branches = new ConcurrentHashMap<>();
    private final Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>();
    private final Map<String, byte[]> lfsObjects = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, Boolean> gated = new ConcurrentHashMap<>();
    private final Map<String, Boolean> corrupted = new ConcurrentHashMap<>();
    private final Map<String, Boolean> corruptedLfs = new ConcurrentHashMap<>();
    private final Map<String, String> commitOwners = new ConcurrentHashMap<>();
    private final AtomicInteger hubFailures = new AtomicInteger();
    private final AtomicInteger cdnFailures = new AtomicInteger();
    private volatile int failStatus;
    private volatile String retryAfter;
    private final AtomicLong dropAfter = new AtomicLong(-1);
    private final AtomicLong stallAfter = new AtomicLong(-1);
    private volatile long stallMillis;
    private volatile int lfsThreshold = DEFAULT_LFS_THRESHOLD;
    private final AtomicInteger commitCounter = new AtomicInteger();

    private FakeHub() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.createContext("/", this::serveHub);
        cdn.createContext("/", this::serveCdn);
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
    }

    /** Starts both servers on dynamic loopback ports. */
    public static FakeHub start() throws IOException {
        return new FakeHub();
    }

    /** {@code http://localhost:PORT}: what HF_ENDPOINT would hold. */
    public URI endpoint() {
        return URI.create("http://localhost:" + hub.getAddress().getPort());
    }

    /** {@code http://127.0.0.1:PORT}: where LFS files are redirected to. */
    public URI cdn() {
        return URI.create("http://127.0.0.1:" + cdn.getAddress().getPort());
    }

    /** Files larger than {@code bytes} are served as LFS files from now on. */
    public FakeHub lfsThreshold(int bytes) {
        lfsThreshold = bytes;
        return this;
    }

    /** Creates the repo with one commit of {@code files} (path → bytes) on {@code main}; returns the commit. */
    public String addRepo(String id, Map<String, byte[]> files) {
        return commit(id, "main", files);
    }

    /** {@link #addRepo(String, Map)} with every regular file under {@code folder}. */
    public String addRepo(String id, Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return addRepo(id, files);
    }

    /** A new commit holding exactly {@code files} on {@code branch} (created if new); returns its hash. */
    public String commit(String id, String branch, Map<String, byte[]> files) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update((id + "\0" + branch + "\0" + commitCounter.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> copy = new TreeMap<>();
        files.forEach((name, bytes) -> {
            sha1.update(name.getBytes(StandardCharsets.UTF_8));
            sha1.update(bytes);
            copy.put(name, bytes.clone());
            if (bytes.length > lfsThreshold) {
                lfsObjects.put(sha256(bytes), bytes.clone());
            }
        });
        String commit = HexFormat.of().formatHex(sha1.digest());
        commits.put(commit, copy);
        commitOwners.put(commit, id);
        branches.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(branch, commit);
        return commit;
    }

    /** Requests for {@code oldId} answer a relative 307 to {@code newId}, as the Hub does for renamed repos. */
    public void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    /** The repo is private: only {@code Authorization: Bearer token} may read it. */
    public void requireToken(String id, String token) {
        tokens.put(id, token);
    }

    /** The repo is gated and the account has not accepted its licence: 401/403 with GatedRepo. */
    public void gate(String id) {
        gated.put(id, true);
    }

    /** The next {@code times} requests to the Hub answer {@code status}, with Retry-After if given. */
    public void failNext(int status, int times, Integer retryAfterSeconds) {
        failStatus = status;
        retryAfter = retryAfterSeconds == null ? null : retryAfterSeconds.toString();
        hubFailures.set(times);
    }

    /** The next {@code times} requests to the CDN answer {@code status}. */
    public void failNextCdn(int status, int times) {
        failStatus = status;
        retryAfter = null;
        cdnFailures.set(times);
    }

    /** The next file body (from either server) is cut off after {@code bytes}: the connection drops. */
    public void dropNextDownload(long bytes) {
        dropAfter.set(bytes);
    }

    /** The next file body stops for {@code millis} after {@code bytes}, then the connection drops. */
    public void stallNextDownload(long bytes, long millis) {
        stallMillis = millis;
        stallAfter.set(bytes);
    }

    /** That file's bytes (in every commit so far) are served with one byte flipped: same length, wrong hash. */
    public void corrupt(String id, String file) {
        corrupted.put(id + "/" + file, true);
        commits.forEach((commit, files) -> {
            if (isCommitOf(id, commit) && files.containsKey(file)) {
                corruptedLfs.put(sha256(files.get(file)), true);
            }
        });
    }

    /** Every request so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        requests.clear();
    }

    /** The ETag the Hub sends for these bytes: a git blob sha1, or the SHA-256 for LFS files. */
    public String etagOf(byte[] content) {
        return content.length > lfsThreshold ? sha256(content) : gitBlobSha1(content);
    }

    /** git's object id of a blob: sha1 of {@code "blob LEN\0"} and the bytes. */
    public static String gitBlobSha1(byte[] content) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(content));
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(content));
    }

    /** Stops both servers now: later requests are refused. */
    public void stop() {
        hub.stop(0);
        cdn.stop(0);
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    private void serveHub(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "hub");
            Headers out = ex.getResponseHeaders();
            if (hubFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (retryAfter != null) {
                    out.set("Retry-After", retryAfter);
                }
                sendEmpty(ex, failStatus);
                return;
            }
            String[] seg = ex.getRequestURI().getRawPath().split("/", -1);
            // "", owner, name, "resolve", revision, file...
            if (seg.length < 6 || !seg[3].equals("resolve")) {
                sendEmpty(ex, 404);
                return;
            }
            String id = seg[1] + "/" + seg[2];
            String revision = decode(seg[4]);
            String file = decode(String.join("/", Arrays.copyOfRange(seg, 5, seg.length)));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (renamed.containsKey(id)) {
                out.set("Location", "/" + renamed.get(id) + "/resolve/" + seg[4] + "/"
                        + String.join("/", Arrays.copyOfRange(seg, 5, seg.length)));
                sendEmpty(ex, 307);
                return;
            }
            Map<String, String> repoBranches = branches.get(id);
            String required = tokens.get(id);
            boolean authorized = required == null || ("Bearer " + required).equals(auth);
            if (repoBranches == null || !authorized) {
                if (auth != null && required != null && !authorized) {
                    out.set("X-Error-Message", "Invalid credentials in Authorization header");
                    sendEmpty(ex, 401);
                } else {
                    out.set("X-Error-Code", "RepoNotFound");
                    out.set("X-Error-Message", "Repository not found");
                    sendEmpty(ex, auth == null ? 401 : 404);
                }
                return;
            }
            if (gated.containsKey(id)) {
                out.set("X-Error-Code", "GatedRepo");
                out.set("X-Error-Message", "Access to model " + id + " is restricted and you are not in the"
                        + " authorized list. Visit https://huggingface.co/" + id + " to ask for access.");
                sendEmpty(ex, auth == null ? 401 : 403);
                return;
            }
            String commit = commits.containsKey(revision) && isCommitOf(id, revision) ? revision
                    : repoBranches.get(revision);
            if (commit == null) {
                out.set("X-Error-Code", "RevisionNotFound");
                out.set("X-Error-Message", "Invalid rev id: " + revision);
                sendEmpty(ex, 404);
                return;
            }
            out.set("X-Repo-Commit", commit);
            byte[] content = commits.get(commit).get(file);
            if (content == null) {
                out.set("X-Error-Code", "EntryNotFound");
                out.set("X-Error-Message", "Entry not found");
                sendEmpty(ex, 404);
                return;
            }
            if (content.length > lfsThreshold) {
                String sha = sha256(content);
                String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha + "\nsize "
                        + content.length + "\n";
                out.set("ETag", "\"" + gitBlobSha1(pointer.getBytes(StandardCharsets.UTF_8)) + "\"");
                out.set("X-Linked-Etag", "\"" + sha + "\"");
                out.set("X-Linked-Size", Long.toString(content.length));
                out.set("Location", cdn() + "/repos/" + id + "/" + sha + "?X-Amz-Signature=fake");
                byte[] body = ("Found. Redirecting to " + cdn()).getBytes(StandardCharsets.UTF_8);
                if (ex.getRequestMethod().equals("HEAD")) {
                    out.set("Content-Length", Integer.toString(body.length));
                    ex.sendResponseHeaders(302, -1);
                } else {
                    ex.sendResponseHeaders(302, body.length);
                    ex.getResponseBody().write(body);
                }
                return;
            }
            out.set("ETag", "\"" + gitBlobSha1(content) + "\"");
            serveBytes(ex, maybeCorrupt(id, file, content));
        }
    }

    private void serveCdn(HttpExchange ex) throws IOException {
        try (ex) {
            record(ex, "cdn");
            if (cdnFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                sendEmpty(ex, failStatus);
                return;
            }
            // /repos/OWNER/NAME/SHA256
            String[] seg = ex.getRequestURI().getRawPath().split("/");
            byte[] content = seg.length == 5 ? lfsObjects.get(seg[4]) : null;
            if (content == null) {
                sendEmpty(ex, 404);
                return;
            }
            ex.getResponseHeaders().set("ETag", "\"" + seg[4] + "\"");
            serveBytes(ex, corruptedLfs.containsKey(seg[4]) ? flipped(content) : content);
        }
    }

    private void serveBytes(HttpExchange ex, byte[] content) throws IOException {
        Headers out = ex.getResponseHeaders();
        out.set("Accept-Ranges", "bytes");
        if (ex.getRequestMethod().equals("HEAD")) {
            out.set("Content-Length", Integer.toString(content.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        int start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.matches("bytes=\\d+-")) {
            start = Integer.parseInt(range.substring(6, range.length() - 1));
            if (start >= content.length) {
                out.set("Content-Range", "bytes */" + content.length);
                sendEmpty(ex, 416);
                return;
            }
            out.set("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - start;
        ex.sendResponseHeaders(start > 0 ? 206 : 200, length == 0 ? -1 : length);
        OutputStream body = ex.getResponseBody();
        long drop = dropAfter.getAndSet(-1);
        long stall = stallAfter.getAndSet(-1);
        long cut = drop >= 0 ? drop : stall;
        if (cut >= 0 && cut < length) {
            body.write(content, start, (int) cut);
            body.flush();
            if (stall >= 0) {
                sleep(stallMillis);
            }
            // Closing with bytes still owed makes the server drop the connection.
            return;
        }
        body.write(content, start, length);
    }

    private byte[] maybeCorrupt(String id, String file, byte[] content) {
        return corrupted.containsKey(id + "/" + file) ? flipped(content) : content;
    }

    private static byte[] flipped(byte[] content) {
        byte[] copy = content.clone();
        if (copy.length > 0) {
            copy[copy.length / 2] ^= 0x5a;
        }
        return copy;
    }

    private boolean isCommitOf(String id, String commit) {
        return id.equals(commitOwners.get(commit));
    }

    private void record(HttpExchange ex, String server) {
        Headers h = ex.getRequestHeaders();
        requests.add(new Request(server, ex.getRequestMethod(), h.getFirst("Host"), ex.getRequestURI().getRawPath(),
                h.getFirst("Range"), h.getFirst("Authorization"), h.getFirst("User-Agent"),
                h.getFirst("Accept-Encoding")));
    }

    private static void sendEmpty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }

    private static String decode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
