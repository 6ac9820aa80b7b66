package dev.lookalike.embed;

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
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Turns what a user passes as {@code --model} into a loaded {@link ClipModel}:
 * <ul>
 *   <li>a model package directory (with {@code lookalike-model.json}) or a DJL-style traced
 *       HuggingFace CLIP directory (with {@code tokenizer.json});
 *   <li>a {@code .zip} of either, local or at an {@code http(s)} URL (downloaded once into the cache;
 *       append {@code #sha256=HEX} to have the download verified);
 *   <li>a {@code djl://} model-zoo URL of a traced HuggingFace CLIP, fetched by DJL into its cache.
 * </ul>
 */
public final class ModelLocator {

    /** Refuse archives that unpack to more than this: no model package is near it. */
    static final long MAX_UNPACKED_BYTES = 8L << 30;

    private final Path cacheDir;
    private final ProgressListener progress;
    private final TextPrecision textPrecision;

    /** A locator whose models run their text tower in bfloat16 where the CPU does that natively. */
    public ModelLocator(Path cacheDir, ProgressListener progress) {
        this(cacheDir, progress, TextPrecision.AUTO);
    }

    public ModelLocator(Path cacheDir, ProgressListener progress, TextPrecision textPrecision) {
        this.cacheDir = cacheDir;
        this.progress = progress;
        this.textPrecision = textPrecision;
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
        if (isZooUrl(spec)) {
            return TorchClipModel.loadHuggingFace(spec, null, zooName(spec), textPrecision);
        }
        return loadDirectory(resolveDirectory(spec), textPrecision);
    }

    /**
     * The model's name (the name of its collection) without loading the weights; a remote archive is
     * downloaded if it is not in the cache yet.
     */
    public String nameOf(String spec) throws ModelLoadException {
        if (isZooUrl(spec)) {
            return zooName(spec);
        }
        Path dir = resolveDirectory(spec);
        if (Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME))) {
            return TorchClipModel.readManifest(dir).name();
        }
        return TorchClipModel.huggingFaceName(dir);
    }

    private static boolean isZooUrl(String spec) {
        return spec.toLowerCase(Locale.ROOT).startsWith("djl://");
    }

    /** {@code djl://ai.djl.huggingface.pytorch/openai/clip-vit-base-patch32} goes by {@code openai/clip-vit-base-patch32}. */
    static String zooName(String url) {
        String rest = url.substring("djl://".length());
        int slash = rest.indexOf('/');
        String name = slash >= 0 ? rest.substring(slash + 1) : rest;
        int query = name.indexOf('?');
        return query >= 0 ? name.substring(0, query) : name;
    }

    /** The local folder a non-zoo spec stands for, downloading and unpacking as needed. */
    public Path resolveDirectory(String spec) throws ModelLoadException {
        if (spec == null || spec.isBlank()) {
            throw new ModelLoadException("no model given: pass --model or set LOOKALIKE_MODEL");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
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
        throw new ModelLoadException("model " + spec + " not found: expected a model package folder, a .zip of one, "
                + "an http(s) URL of a .zip, or a djl:// URL");
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
        if (Files.isRegularFile(dir.resolve("tokenizer.json")) && hasTorchScript(dir)) {
            return TorchClipModel.loadHuggingFace(null, dir, null, textPrecision);
        }
        throw new ModelLoadException(dir + " is not a model package: it has no " + ModelManifest.FILE_NAME
                + " (nor tokenizer.json and a .pt file of a traced HuggingFace CLIP)");
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
