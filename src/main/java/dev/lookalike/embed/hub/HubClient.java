package dev.lookalike.embed.hub;

import dev.lookalike.embed.ProgressListener;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;

/**
 * Downloads Hugging Face Hub files into the cache that huggingface_hub's {@code hf_hub_download}
 * uses, the way it does: a HEAD on {@code /resolve/} for the commit, etag and size, then a GET of
 * the file (or of the CDN address it redirects to) into {@code blobs/}, linked from
 * {@code snapshots/COMMIT/}. Files already there, whoever downloaded them, are reused. One
 * {@link HttpClient} per instance; safe for concurrent use.
 */
public final class HubClient {

    static final String USER_AGENT = "lookalike/" + version();

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String INVALID_CREDENTIALS = "Invalid credentials in Authorization header";
    /** Drops in a row, without a byte in between, before a download gives up (huggingface_hub: 5). */
    private static final int MAX_DROPS = 5;
    private static final int MAX_REDIRECTS = 10;

    /** Timeouts and retry pacing; tests shorten them. */
    record Tuning(Duration connectTimeout, Duration readTimeout, int tries, Duration retryBase, Duration retryMax,
                  Duration retryAfterCap, boolean symlinks) {
        /** huggingface_hub's 10 s metadata and download timeouts; 3 tries from 0.5 s, at most 8 s apart. */
        static final Tuning DEFAULT = new Tuning(Duration.ofSeconds(10), Duration.ofSeconds(10), 3,
                Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(30), true);
    }

    private final HubSettings settings;
    private final ProgressListener progress;
    private final Tuning tuning;
    private final HubCache cache;
    private final HttpClient http;

    /**
     * @param settings where the Hub and the cache are; usually {@link HubSettings#fromEnvironment}
     * @param progress told the bytes done and the total of each download
     */
    public HubClient(HubSettings settings, ProgressListener progress) {
        this(settings, progress, Tuning.DEFAULT);
    }

    HubClient(HubSettings settings, ProgressListener progress, Tuning tuning) {
        this.settings = settings;
        this.progress = progress == null ? ProgressListener.NONE : progress;
        this.tuning = tuning;
        this.cache = new HubCache(settings.cacheDir(), tuning.symlinks());
        // Redirects are followed by hand: the token must not follow a redirect to another host.
        this.http = HttpClient.newBuilder()
                .connectTimeout(tuning.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The file's path in the cache ({@code snapshots/COMMIT/FILE}), downloaded first if absent.
     *
     * @param file a path in the repo, '/'-separated
     * @throws HubException             when the repo, revision or file does not exist, access is refused,
     *                                  the Hub cannot be reached (or HF_HUB_OFFLINE is set) and the cache
     *                                  does not have the file, or the download fails or does not verify
     * @throws IllegalArgumentException when {@code file} is empty, absolute or has a {@code ..} segment
     */
    public Path download(HubRepo repo, String file) throws HubException {
        return fetch(repo, file, true).orElseThrow();
    }

    /**
     * Like {@link #download}, but empty when the repo has no such file (a 404 with
     * {@code X-Error-Code: EntryNotFound}, or a 404 naming the repo's commit); that answer is
     * remembered under {@code .no_exist/COMMIT/FILE} like huggingface_hub, so offline runs know too.
     *
     * @throws HubException             as {@link #download} for every other failure
     * @throws IllegalArgumentException as {@link #download}
     */
    public Optional<Path> downloadIfExists(HubRepo repo, String file) throws HubException {
        return fetch(repo, file, false);
    }

    private Optional<Path> fetch(HubRepo repo, String file, boolean required) throws HubException {
        checkFile(file);
        if (repo.pinned()) {
            // A commit never changes: what the cache has is the answer, without a byte of network.
            Optional<Optional<Path>> cached = fromCache(repo, repo.revision(), file);
            if (cached.isPresent()) {
                return orMissing(cached.get(), repo, file, required);
            }
        }
        if (settings.offline()) {
            Optional<Optional<Path>> cached = cache.cachedCommit(repo).flatMap(c -> fromCache(repo, c, file));
            if (cached.isPresent()) {
                return orMissing(cached.get(), repo, file, required);
            }
            throw new HubException(repo.id() + ": " + file + " at " + repo.revision()
                    + " is not in the cache " + settings.cacheDir()
                    + " and HF_HUB_OFFLINE is set: unset it to download the file, or fetch it once online");
        }
        Metadata meta;
        try {
            meta = head(repo, file, false);
        } catch (Failure f) {
            if (f.kind == Kind.ENTRY_MISSING) {
                return missing(repo, file, f, required);
            }
            if (f.kind == Kind.REVISION_MISSING) {
                throw f.error;
            }
            // Like huggingface_hub: the Hub is down, unreachable or refuses us, so a cached copy will do.
            Optional<Optional<Path>> cached = cache.cachedCommit(repo).flatMap(c -> fromCache(repo, c, file));
            if (cached.isPresent()) {
                return orMissing(cached.get(), repo, file, required);
            }
            if (!f.transientFailure()) {
                throw f.error;
            }
            try {
                meta = head(repo, file, true);
            } catch (Failure again) {
                if (again.kind == Kind.ENTRY_MISSING) {
                    return missing(repo, file, again, required);
                }
                throw again.error;
            }
        }
        return Optional.of(store(repo, file, meta));
    }

    /** What the cache says about the file at {@code commit}: a path, known missing, or nothing. */
    private Optional<Optional<Path>> fromCache(HubRepo repo, String commit, String file) {
        Path pointer = cache.pointer(repo, commit, file);
        if (Files.exists(pointer)) {
            return Optional.of(Optional.of(pointer));
        }
        if (Files.isRegularFile(cache.noExist(repo, commit, file))) {
            return Optional.of(Optional.empty());
        }
        return Optional.empty();
    }

    private Optional<Path> orMissing(Optional<Path> found, HubRepo repo, String file, boolean required)
            throws HubException {
        if (found.isEmpty() && required) {
            throw entryNotFound(repo, file);
        }
        return found;
    }

    private Optional<Path> missing(HubRepo repo, String file, Failure f, boolean required) throws HubException {
        if (f.commit != null) {
            try {
                cache.markMissing(repo, f.commit, file);
                cache.writeRef(repo, f.commit);
            } catch (IOException e) {
                // huggingface_hub only logs this: the answer stands without the note
            }
        }
        if (required) {
            throw f.error;
        }
        return Optional.empty();
    }

    private Path store(HubRepo repo, String file, Metadata meta) throws HubException {
        Path pointer = cache.pointer(repo, meta.commit, file);
        Path blob = cache.blob(repo, meta.etag);
        try {
            if (Files.exists(pointer)) {
                try {
                    cache.writeRef(repo, meta.commit);
                } catch (IOException e) {
                    // a read-only cache still serves what it has
                }
                return pointer;
            }
            Files.createDirectories(blob.getParent());
            Files.createDirectories(pointer.getParent());
            cache.tag();
            cache.writeRef(repo, meta.commit);
            try (HubCache.Lock lock = cache.lock(repo, meta.etag)) {
                boolean newBlob = !Files.exists(blob);
                if (newBlob) {
                    fetchBlob(repo, file, meta, blob);
                }
                if (!Files.exists(pointer)) {
                    cache.link(blob, pointer, newBlob);
                }
            }
            return pointer;
        } catch (IOException e) {
            throw new HubException(repo.id() + ": cannot write " + file + " into the cache " + settings.cacheDir()
                    + " (" + describe(e) + "): check that it is writable and has space, or set HF_HUB_CACHE", e);
        }
    }

    /** Downloads into {@code blobs/ETAG.incomplete}, verifies, and moves it to {@code blob} in one step. */
    private void fetchBlob(HubRepo repo, String file, Metadata meta, Path blob) throws HubException, IOException {
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        boolean lfs = SHA256.matcher(meta.etag).matches();
        long size;
        try (FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // A leftover from a killed run is resumed only when the checksum will vouch for it.
            long have = lfs ? Math.min(out.size(), meta.size) : 0;
            out.truncate(have);
            out.position(have);
            try {
                transfer(repo, file, meta, out, have);
            } catch (HubException | IOException | RuntimeException e) {
                if (!lfs) {
                    Files.deleteIfExists(incomplete);
                }
                throw e;
            }
            out.force(false);
            size = out.size();
        }
        if (size != meta.size) {
            Files.deleteIfExists(incomplete);
            throw new HubException(repo.id() + ": " + file + " at " + repo.revision() + " arrived with " + size
                    + " bytes instead of " + meta.size + "; nothing was cached, try again");
        }
        if (lfs) {
            String actual = sha256(incomplete);
            if (!actual.equals(meta.etag)) {
                Files.deleteIfExists(incomplete);
                throw new HubException(repo.id() + ": " + file + " at " + repo.revision()
                        + " failed its SHA-256 check (expected " + meta.etag + ", got " + actual
                        + "); nothing was cached, try again");
            }
        }
        HubCache.moveAtomically(incomplete, blob);
    }

    /** GETs the file from byte {@code have} on, resuming with a Range after a dropped connection. */
    private void transfer(HubRepo repo, String file, Metadata meta, FileChannel out, long have)
            throws HubException, IOException {
        int drops = 0;
        progress.progress(have, meta.size);
        while (have < meta.size || meta.size == 0) {
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = get(repo, file, meta.location, have);
            int status = response.statusCode();
            if (have > 0 && status == 200) {
                // The server ignored the Range: start over rather than append the beginning again.
                have = 0;
                out.truncate(0);
                out.position(0);
                progress.progress(0, meta.size);
            } else if (status == 206 && rangeStart(response.headers()) != have) {
                TimedBody.of(response.body()).cancel();
                throw new HubException(repo.id() + ": " + file + " at " + repo.revision()
                        + ": the download server resumed at the wrong offset; nothing was cached, try again");
            }
            TimedBody body = TimedBody.of(response.body());
            long before = have;
            try {
                for (List<ByteBuffer> chunk; (chunk = body.next(tuning.readTimeout())) != null; ) {
                    for (ByteBuffer b : chunk) {
                        while (b.hasRemaining()) {
                            have += out.write(b);
                        }
                    }
                    progress.progress(have, meta.size);
                    if (have > meta.size) {
                        body.cancel();
                        break;
                    }
                }
                return;
            } catch (IOException e) {
                body.cancel();
                drops = have > before ? 1 : drops + 1;
                if (drops > MAX_DROPS) {
                    throw unreachable(repo, file, e);
                }
                pause(backoff(drops), repo, file);
            } catch (InterruptedException e) {
                body.cancel();
                Thread.currentThread().interrupt();
                throw new HubException(repo.id() + ": interrupted while downloading " + file, e);
            }
        }
    }

    /** A GET with retries on 5xx, 408, 429 and failed connections, following redirects by hand. */
    private HttpResponse<Flow.Publisher<List<ByteBuffer>>> get(HubRepo repo, String file, URI url, long from)
            throws HubException {
        for (int redirects = 0; ; redirects++) {
            HttpRequest.Builder request = request(url).GET().header("Accept-Encoding", "identity");
            if (from > 0) {
                request.header("Range", "bytes=" + from + "-");
            }
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
            try {
                response = send(request.build(), HttpResponse.BodyHandlers.ofPublisher(), repo, file, true);
            } catch (Failure f) {
                throw f.error;
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && redirects < MAX_REDIRECTS) {
                TimedBody.of(response.body()).cancel();
                url = redirect(url, response, repo, file);
                continue;
            }
            if (status == 200 || status == 206) {
                return response;
            }
            TimedBody.of(response.body()).cancel();
            throw classify(repo, file, url, response.statusCode(), response.headers()).error;
        }
    }

    /**
     * huggingface_hub's {@code get_hf_file_metadata}: a HEAD with {@code Accept-Encoding: identity},
     * following only relative redirects (a renamed repo) and stopping at an absolute one (the CDN).
     */
    private Metadata head(HubRepo repo, String file, boolean retry) throws Failure, HubException {
        URI url = resolveUrl(repo, file);
        HttpResponse<Void> response;
        for (int redirects = 0; ; redirects++) {
            HttpRequest request = request(url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            response = send(request, HttpResponse.BodyHandlers.discarding(), repo, file, retry);
            int status = response.statusCode();
            if (status >= 400) {
                throw classify(repo, file, url, status, response.headers());
            }
            if (status >= 300 && status < 400) {
                String location = response.headers().firstValue("Location").orElse(null);
                URI target = location == null ? null : parseUri(location, repo, file);
                if (target != null && target.getHost() == null && redirects < MAX_REDIRECTS) {
                    url = url.resolve(target);
                    continue;
                }
            }
            break;
        }
        HttpHeaders h = response.headers();
        boolean redirect = response.statusCode() >= 300 && response.statusCode() < 400;
        String commit = h.firstValue("X-Repo-Commit").orElse(null);
        String etag = normalizeEtag(h.firstValue("X-Linked-Etag").orElse(h.firstValue("ETag").orElse(null)));
        Long size = longOrNull(h.firstValue("X-Linked-Size").orElse(redirect ? null
                : h.firstValue("Content-Length").orElse(null)));
        String locationHeader = h.firstValue("Location").orElse(null);
        URI location = locationHeader == null ? url : url.resolve(parseUri(locationHeader, repo, file));
        String where = repo.id() + ": " + file + " at " + repo.revision() + ": " + settings.endpoint();
        if (commit == null || !HubRepo.isCommitHash(commit)) {
            throw new HubException(where + " sent no X-Repo-Commit, so it does not look like a Hugging Face Hub:"
                    + " check HF_ENDPOINT and any proxy or firewall in between");
        }
        if (etag == null || !SAFE_ETAG.matcher(etag).matches()) {
            throw new HubException(where + " sent " + (etag == null ? "no ETag" : "an unusable ETag '" + etag + "'")
                    + ", so the download could not be verified: check HF_ENDPOINT and any proxy in between");
        }
        if (size == null) {
            throw new HubException(where + " sent no file size (X-Linked-Size or Content-Length):"
                    + " check HF_ENDPOINT and any proxy in between");
        }
        return new Metadata(commit, etag, size, location);
    }

    /** Sends, retrying 5xx, 408, 429 and failed connections when {@code retry}; other answers return. */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, HubRepo repo,
                                     String file, boolean retry) throws Failure, HubException {
        for (int attempt = 1; ; attempt++) {
            boolean last = !retry || attempt >= tuning.tries();
            HttpResponse<T> response;
            try {
                response = http.send(request, handler);
            } catch (IOException e) {
                if (last) {
                    throw new Failure(Kind.UNREACHABLE, unreachable(repo, file, e), null);
                }
                pause(backoff(attempt), repo, file);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(repo.id() + ": interrupted while downloading " + file, e);
            }
            if (last || !retryable(response.statusCode())) {
                return response;
            }
            if (response.body() instanceof Flow.Publisher<?> p) {
                cancel(p);
            }
            Duration wait = backoff(attempt);
            Optional<String> retryAfter = response.headers().firstValue("Retry-After").map(String::strip);
            if (retryAfter.isPresent() && retryAfter.get().matches("\\d{1,9}")) {
                Duration asked = Duration.ofSeconds(Long.parseLong(retryAfter.get()));
                wait = asked.compareTo(tuning.retryAfterCap()) > 0 ? tuning.retryAfterCap() : asked;
            }
            pause(wait, repo, file);
        }
    }

    @SuppressWarnings("unchecked")
    private static void cancel(Flow.Publisher<?> p) {
        TimedBody.of((Flow.Publisher<List<ByteBuffer>>) p).cancel();
    }

    private HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(tuning.readTimeout())
                .header("User-Agent", USER_AGENT);
        // The token is for the Hub: a CDN gets signed URLs and must never see it.
        if (settings.token() != null && sameOrigin(url, settings.endpoint())) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        return b;
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}, quoted like huggingface_hub's {@code hf_hub_url}. */
    URI resolveUrl(HubRepo repo, String file) {
        return URI.create(settings.endpoint() + "/" + repo.id() + "/resolve/" + quote(repo.revision(), false) + "/"
                + quote(file, true));
    }

    /** Python's {@code urllib.parse.quote}: all but letters, digits and {@code _.-~} (and '/' if kept) escaped. */
    static String quote(String s, boolean keepSlash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == '-' || c == '~' || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** huggingface_hub's {@code _normalize_etag}: {@code W/} and the quotes dropped. */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.isEmpty() ? null : e;
    }

    private Failure classify(HubRepo repo, String file, URI url, int status, HttpHeaders h) {
        String code = h.firstValue("X-Error-Code").orElse(null);
        String message = h.firstValue("X-Error-Message").orElse(null);
        String commit = h.firstValue("X-Repo-Commit").filter(HubRepo::isCommitHash).orElse(null);
        String page = repo.pageUrl(settings.endpoint());
        String what = repo.id() + ": " + file + " at " + repo.revision();
        if (!sameOrigin(url, settings.endpoint())) {
            Kind kind = retryable(status) ? Kind.SERVER : Kind.OTHER;
            return new Failure(kind, new HubException(what + ": the download server " + url.getHost() + " answered "
                    + status + "; nothing was cached, try again later"), null);
        }
        if ("RevisionNotFound".equals(code)) {
            return new Failure(Kind.REVISION_MISSING, new HubException(repo.id() + " has no revision '"
                    + repo.revision() + "' (wanted for " + file + "): check the branch, tag or commit on " + page
                    + "/tree/main"), null);
        }
        if ("EntryNotFound".equals(code) || (status == 404 && code == null && commit != null)) {
            return new Failure(Kind.ENTRY_MISSING, entryNotFound(repo, file), commit);
        }
        if ("GatedRepo".equals(code)) {
            return new Failure(Kind.ACCESS, new HubException(repo.id() + " is gated (" + status + " for " + file
                    + "): accept the model's licence on " + page + " and set HF_TOKEN to a token of that account"),
                    null);
        }
        if (status == 401 && INVALID_CREDENTIALS.equals(message)) {
            return new Failure(Kind.ACCESS, new HubException(settings.endpoint() + " refused the token in HF_TOKEN ("
                    + status + " for " + what + "): set HF_TOKEN to a valid token and accept the model's licence on "
                    + page), null);
        }
        boolean repoMissing = "RepoNotFound".equals(code) || "RepositoryNotFound".equals(code)
                || status == 401 || (status == 404 && code == null);
        if (repoMissing) {
            String hint = settings.token() == null
                    ? "; if it is private or gated, set HF_TOKEN and accept the model's licence on " + page
                    : ", that the token in HF_TOKEN may read it, and accept the model's licence on " + page;
            return new Failure(Kind.ACCESS, new HubException("repository " + repo.id() + " not found at "
                    + settings.endpoint() + " (" + status + " for " + file + "): check the name" + hint), null);
        }
        if (status == 403) {
            return new Failure(Kind.ACCESS, new HubException("access to " + repo.id() + " denied (403 for " + file
                    + (message == null ? "" : ": " + message) + "): set HF_TOKEN to a token with read access and"
                    + " accept the model's licence on " + page), null);
        }
        if (retryable(status)) {
            return new Failure(Kind.SERVER, new HubException("the Hub at " + settings.endpoint() + " answered "
                    + status + " for " + what + ": try again later, or set HF_HUB_OFFLINE=1 to use only the cache"),
                    null);
        }
        return new Failure(Kind.OTHER, new HubException("the Hub at " + settings.endpoint() + " answered " + status
                + " for " + what + (message == null ? "" : ": " + message)), null);
    }

    private HubException entryNotFound(HubRepo repo, String file) {
        return new HubException(repo.id() + " has no file " + file + " at revision " + repo.revision()
                + ": check the file name on " + repo.pageUrl(settings.endpoint()) + "/tree/" + repo.revision());
    }

    private HubException unreachable(HubRepo repo, String file, IOException e) {
        return new HubException("the Hub at " + settings.endpoint() + " cannot be reached (" + describe(e)
                + ") to fetch " + file + " from " + repo.id() + " at " + repo.revision()
                + ", and the cache does not have it: check the network or proxy, or fetch it once online and then"
                + " set HF_HUB_OFFLINE=1", e);
    }

    private static String describe(Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof UnknownHostException || e.getCause() instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private URI redirect(URI from, HttpResponse<?> response, HubRepo repo, String file) throws HubException {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new HubException(repo.id()
                + ": " + file + ": a redirect from " + from.getHost() + " had no Location; try again later"));
        return from.resolve(parseUri(location, repo, file));
    }

    private static URI parseUri(String location, HubRepo repo, String file) throws HubException {
        try {
            return URI.create(url(location));
        } catch (IllegalArgumentException e) {
            throw new HubException(repo.id() + ": " + file + ": the Hub redirected to an unusable address");
        }
    }

    /** Escapes what servers leave raw in a Location (spaces) so that URI accepts it. */
    private static String url(String location) {
        return location.strip().replace(" ", "%20");
    }

    private void pause(Duration d, HubRepo repo, String file) throws HubException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(repo.id() + ": interrupted while downloading " + file, e);
        }
    }

    private Duration backoff(int attempt) {
        Duration d = tuning.retryBase().multipliedBy(1L << Math.min(20, attempt - 1));
        return d.compareTo(tuning.retryMax()) > 0 ? tuning.retryMax() : d;
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static long rangeStart(HttpHeaders h) {
        // Content-Range: bytes START-END/TOTAL
        String range = h.firstValue("Content-Range").orElse("");
        int space = range.indexOf(' ');
        int dash = range.indexOf('-');
        try {
            return Long.parseLong(range.substring(space + 1, dash).strip());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static Long longOrNull(String s) {
        try {
            return s == null ? null : Long.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void checkFile(String file) {
        if (file == null || file.isEmpty() || file.startsWith("/") || file.contains("\\") || file.contains("\0")) {
            throw new IllegalArgumentException("bad file name in a Hugging Face repo: '" + file + "'");
        }
        for (String segment : file.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("file name '" + file
                        + "' in a Hugging Face repo has an empty, '.' or '..' segment");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String version() {
        String v = HubClient.class.getPackage() == null ? null : HubClient.class.getPackage().getImplementationVersion();
        if (v == null) {
            try (InputStream in = HubClient.class.getResourceAsStream(
                    "/META-INF/maven/dev.lookalike/lookalike/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version");
                }
            } catch (IOException e) {
                // fall through to "dev"
            }
        }
        return v == null ? "dev" : v.toLowerCase(Locale.ROOT);
    }

    /** What the HEAD told: the commit, the blob's etag and size, and where to GET it. */
    private record Metadata(String commit, String etag, long size, URI location) {
    }

    private enum Kind { UNREACHABLE, SERVER, ENTRY_MISSING, REVISION_MISSING, ACCESS, OTHER }

    /** A HEAD that did not give metadata, with what it means for falling back to the cache. */
    private static final class Failure extends Exception {
        final Kind kind;
        final HubException error;
        final String commit;

        Failure(Kind kind, HubException error, String commit) {
            super(error.getMessage(), null, false, false);
            this.kind = kind;
            this.error = error;
            this.commit = commit;
        }

        boolean transientFailure() {
            return kind == Kind.UNREACHABLE || kind == Kind.SERVER;
        }
    }
}
