package dev.lookalike.embed;

import dev.lookalike.embed.clip.ClipCheckpoint;
import dev.lookalike.embed.clip.LocalRepo;
import dev.lookalike.embed.clip.RepoFiles;
import dev.lookalike.embed.hub.HubClient;
import dev.lookalike.embed.hub.HubException;
import dev.lookalike.embed.hub.HubRepo;
import dev.lookalike.embed.hub.HubSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Turns what a user passes as {@code --model} into a loaded {@link ClipModel}:
 * <ul>
 *   <li>{@code hf:OWNER/NAME[@REVISION]}: a CLIP checkpoint on the Hugging Face Hub (transformers or
 *       open_clip layout), downloaded into the Hub's own cache and run by the Java towers;
 *   <li>a folder laid out like such a repo ({@code config.json} or {@code open_clip_config.json});
 *   <li>a model package directory (with {@code lookalike-model.json}) or a DJL-style traced
 *       HuggingFace CLIP directory (with {@code tokenizer.json});
 *   <li>a {@code .zip} of a package, local or at an {@code http(s)} URL (downloaded once into the cache;
 *       append {@code #sha256=HEX} to have the download verified).
 * </ul>
 */
public final class ModelLocator {

    /** Refuse archives that unpack to more than this: no model package is near it. */
    static final long MAX_UNPACKED_BYTES = 8L << 30;

    /** The prefix of a Hugging Face Hub model: {@code hf:openai/clip-vit-base-patch32}. */
    public static final String HUB_PREFIX = "hf:";

    private final Path cacheDir;
    private final ProgressListener progress;
    private final TextPrecision textPrecision;
    private final HubSettings hub;

    /** A locator whose models run their text tower in bfloat16 where the CPU does that natively. */
    public ModelLocator(Path cacheDir, ProgressListener progress) {
        this(cacheDir, progress, TextPrecision.AUTO);
    }

    /** A locator that reaches the Hub as the environment says (HF_ENDPOINT, HF_TOKEN, HF_HOME, …). */
    public ModelLocator(Path cacheDir, ProgressListener progress, TextPrecision textPrecision) {
        this(cacheDir, progress, textPrecision, HubSettings.fromEnvironment(System.getenv()));
    }

    public ModelLocator(Path cacheDir, ProgressListener progress, TextPrecision textPrecision, HubSettings hub) {
        this.cacheDir = cacheDir;
        this.progress = progress;
        this.textPrecision = textPrecision;
        this.hub = hub;
    }

    /**
     * Finds, fetches if needed, and loads the model.
     *
     * @throws ModelLoadException with a message a person can act on when any step fails
     */
    public ClipModel load(String spec) throws ModelLoadException {
        if (spec == null || spec.isBlank()) {
            throw new ModelLoadException("no model given: pass --model or set LOOKALIKE_MODEL");
        }
        if (isHub(spec)) {
            return ClipCheckpoint.load(hubRepo(spec), textPrecision);
        }
        return loadDirectory(resolveDirectory(spec), textPrecision);
    }

    /**
     * The model's name (the name of its collection) without loading the weights; a remote archive is
     * downloaded if it is not in the cache yet.
     */
    public String nameOf(String spec) throws ModelLoadException {
        if (isHub(spec)) {
            return hubName(parseHub(spec));
        }
        Path dir = resolveDirectory(spec);
        if (Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME))) {
            return TorchClipModel.readManifest(dir).name();
        }
        if (isCheckpointRepo(dir)) {
            return localRepo(dir).name();
        }
        return TorchClipModel.huggingFaceName(dir);
    }

    private static boolean isHub(String spec) {
        return spec.regionMatches(true, 0, HUB_PREFIX, 0, HUB_PREFIX.length());
    }

    private static HubRepo parseHub(String spec) throws ModelLoadException {
        try {
            return HubRepo.parse(spec.substring(HUB_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("bad model " + spec + ": " + e.getMessage()
                    + " (expected hf:OWNER/NAME or hf:OWNER/NAME@REVISION)", e);
        }
    }

    /**
     * A Hub model's collection goes by its repo id, plus the revision when it is not {@code main} (other
     * weights, other vectors). A snapshot folder of the Hub's cache goes by the repo id alone.
     */
    static String hubName(HubRepo repo) {
        return "main".equals(repo.revision()) ? repo.id() : repo.id() + "@" + repo.revision();
    }

    private RepoFiles hubRepo(String spec) throws ModelLoadException {
        HubRepo repo = parseHub(spec);
        HubClient client = new HubClient(hub, progress);
        String name = hubName(repo);
        return new RepoFiles() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<Path> find(String path) throws ModelLoadException {
                try {
                    return client.downloadIfExists(repo, path);
                } catch (HubException e) {
                    throw new ModelLoadException(e.getMessage(), e);
                }
            }
        };
    }

    /** Whether the folder is laid out like a Hub repo of a CLIP checkpoint. */
    static boolean isCheckpointRepo(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) || Files.isRegularFile(dir.resolve("open_clip_config.json"));
    }

    /**
     * A local checkpoint folder; one inside the Hub's cache ({@code models--OWNER--NAME/snapshots/COMMIT})
     * goes by {@code OWNER/NAME}, like the same model fetched with {@code hf:}.
     */
    static RepoFiles localRepo(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path snapshots = abs.getParent();
        Path repo = snapshots == null ? null : snapshots.getParent();
        if (repo != null && snapshots.getFileName().toString().equals("snapshots")
                && repo.getFileName().toString().startsWith("models--")) {
            String[] parts = repo.getFileName().toString().substring("models--".length()).split("--", 2);
            if (parts.length == 2) {
                return new LocalRepo(parts[0] + "/" + parts[1], dir);
            }
        }
        return LocalRepo.of(dir);
    }

    /** The local folder a spec other than {@code hf:} stands for, downloading and unpacking as needed. */
    public Path resolveDirectory(String spec) throws ModelLoadException {
        if (spec == null || spec.isBlank()) {
            throw new ModelLoadException("no model given: pass --model or set LOOKALIKE_MODEL");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("djl://")) {
            throw new ModelLoadException("djl:// model-zoo URLs are not supported: DJL's zoo has no traced "
                    + "ViT-B/32 CLIP (its one CLIP is ViT-L/14); use hf:openai/clip-vit-base-patch32 or another hf: model");
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return unpackCached(download(spec));
        }
        Path path = Path.of(lower.startsWith("file:") ? URI.create(spec).getPath() : spec);
        if (Files.isDirectory(path)) {
            return path;
        }
        if (Files.isRegularFile(path) && lower.endsWith(".zip")) {
            return unpackCached(path);
        }
        throw new ModelLoadException("model " + spec + " not found: expected hf:OWNER/NAME, a checkpoint or model "
                + "package folder, a .zip of a package, or an http(s) URL of one");
    }

    /** Loads whichever layout the folder holds, the text tower in {@link TextPrecision#AUTO}. */
    public static ClipModel loadDirectory(Path dir) throws ModelLoadException {
        return loadDirectory(dir, TextPrecision.AUTO);
    }

    /** Loads whichever layout the folder holds. */
    public static ClipModel loadDirectory(Path dir, TextPrecision textPrecision) throws ModelLoadException {
        if (Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME))) {
            return TorchClipModel.loadPackage(dir, textPrecision);
        }
        if (isCheckpointRepo(dir)) {
            return ClipCheckpoint.load(localRepo(dir), textPrecision);
        }
        if (Files.isRegularFile(dir.resolve("tokenizer.json")) && hasTorchScript(dir)) {
            return TorchClipModel.loadHuggingFace(null, dir, null, textPrecision);
        }
        throw new ModelLoadException(dir + " is not a model: it has no config.json or open_clip_config.json (a "
                + "checkpoint laid out like a Hugging Face repo), no " + ModelManifest.FILE_NAME
                + " (a model package), nor tokenizer.json and a .pt file (a traced HuggingFace CLIP)");
    }

    private static boolean hasTorchScript(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".pt"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Downloads the URL into the cache once; later calls return the cached file. */
    Path download(String spec) throws ModelLoadException {
        String url = spec;
        String expectedSha = null;
        int hash = spec.indexOf('#');
        if (hash >= 0) {
            url = spec.substring(0, hash);
            String fragment = spec.substring(hash + 1);
            if (!fragment.startsWith("sha256=")) {
                throw new ModelLoadException("unknown fragment in model URL " + spec + " (only #sha256=HEX)");
            }
            expectedSha = fragment.substring("sha256=".length()).toLowerCase(Locale.ROOT);
        }
        Path target = cacheDir.resolve("downloads").resolve(sha256(url.getBytes(StandardCharsets.UTF_8)) + ".zip");
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            Path part = target.resolveSibling(target.getFileName() + ".part");
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                    .header("User-Agent", "Lookalike").GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new ModelLoadException("downloading model " + url + " failed: HTTP " + response.statusCode());
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(response.body(), sha);
                 OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[1 << 16];
                long done = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    done += n;
                    progress.progress(done, total);
                }
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (expectedSha != null && !expectedSha.equals(actual)) {
                Files.deleteIfExists(part);
                throw new ModelLoadException("model " + url + " has SHA-256 " + actual + ", expected " + expectedSha
                        + ": download corrupted or the file changed");
            }
            move(part, target);
            return target;
        } catch (IOException e) {
            // the JDK's client often says nothing (a refused connection is a bare ConnectException): say what failed
            String why = e.getMessage();
            URI u = URI.create(url);
            if (e instanceof java.net.ConnectException || e.getCause() instanceof java.nio.channels.UnresolvedAddressException) {
                why = e.getCause() instanceof java.nio.channels.UnresolvedAddressException ? "cannot resolve " + u.getHost()
                        : "cannot connect to " + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                        + (why != null ? ": " + why : ": connection refused");
            } else if (why == null || why.isBlank()) {
                why = e.getClass().getSimpleName();
            }
            throw new ModelLoadException("downloading model " + url + " failed: " + why
                    + " (check the URL and the network, or pass a local package folder)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException("download of " + url + " interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Unpacks a zip into the cache (once per distinct zip content) and returns the package folder:
     * the archive root, or its single top-level folder.
     */
    Path unpackCached(Path zip) throws ModelLoadException {
        String key;
        try (InputStream in = Files.newInputStream(zip)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            key = HexFormat.of().formatHex(sha.digest()).substring(0, 24);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model archive " + zip + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dest = cacheDir.resolve("unpacked").resolve(key);
        if (!Files.isDirectory(dest)) {
            Path tmp = cacheDir.resolve("unpacked").resolve(key + ".tmp-" + ProcessHandle.current().pid());
            try {
                deleteTree(tmp);
                Files.createDirectories(tmp);
                unzip(zip, tmp);
                move(tmp, dest);
            } catch (IOException e) {
                try {
                    deleteTree(tmp);
                } catch (IOException ignored) {
                    // a leftover temp folder is harmless; the next run replaces it
                }
                throw new ModelLoadException("cannot unpack model archive " + zip + ": " + e.getMessage(), e);
            }
        }
        return packageRoot(dest);
    }

    private static Path packageRoot(Path dest) throws ModelLoadException {
        if (Files.isRegularFile(dest.resolve(ModelManifest.FILE_NAME)) || Files.isRegularFile(dest.resolve("tokenizer.json"))) {
            return dest;
        }
        try (Stream<Path> children = Files.list(dest)) {
            List<Path> dirs = children.filter(Files::isDirectory).toList();
            if (dirs.size() == 1) {
                return dirs.get(0);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot list " + dest + ": " + e.getMessage(), e);
        }
        return dest;
    }

    static void unzip(Path zip, Path dest) throws IOException {
        Path root = dest.toAbsolutePath().normalize();
        long total = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            boolean any = false;
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                any = true;
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("archive entry escapes the folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (OutputStream os = Files.newOutputStream(out)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                        if (total > MAX_UNPACKED_BYTES) {
                            throw new IOException("archive unpacks to more than " + (MAX_UNPACKED_BYTES >> 30) + " GiB");
                        }
                        os.write(buf, 0, n);
                    }
                }
            }
            if (!any) {
                throw new IOException("not a zip archive, or an empty one");
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
