package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecodeException;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ImagePreprocessor;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.embed.Vectors;
import dev.lookalike.search.ScanSettings;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.VectorIndex;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Measures what the README reports: decode+preprocess, model-only and end-to-end embedding throughput
 * on a folder of photos, text-query latency, and {@code similar} latency on synthetic catalogues.
 * Not a test: numbers depend on the machine.
 */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark embedding and search; prints a JSON report on stdout.")
class BenchCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--images", paramLabel = "DIR", description = "Folder of photos (searched recursively).")
    Path images;

    @CommandLine.Option(names = "--max-images", paramLabel = "N", defaultValue = "256")
    int maxImages;

    @CommandLine.Option(names = "--batch", paramLabel = "N", defaultValue = "32")
    int batch;

    @CommandLine.Option(names = "--vectors", paramLabel = "N", split = ",", defaultValue = "20000,1000000",
            description = "Synthetic catalogue sizes for search latency (default: ${DEFAULT-VALUE}).")
    int[] vectorCounts;

    @CommandLine.Option(names = "--dim", paramLabel = "D", defaultValue = "512",
            description = "Vector length for synthetic catalogues when no model is benchmarked.")
    int dim;

    @CommandLine.Option(names = "--queries", paramLabel = "N", defaultValue = "300")
    int queries;

    @CommandLine.Option(names = "--lookalikes", paramLabel = "N", defaultValue = "100",
            description = "Also time similar from precomputed lookalike lists of N entries "
                    + "(default: ${DEFAULT-VALUE}; 0: no).")
    int lookalikes;

    @CommandLine.Option(names = "--lookalikes-max-photos", paramLabel = "N", defaultValue = "50000",
            description = "Precompute lists only for synthetic catalogues of up to N (default: ${DEFAULT-VALUE}).")
    int lookalikesMaxPhotos;

    @CommandLine.Option(names = "--fusion", paramLabel = "N", defaultValue = "20000",
            description = "Also time text queries by look, words and both fused on a synthetic catalogue of N products "
                    + "with its words index (default: ${DEFAULT-VALUE}; 0: no; needs the model).")
    int fusion;

    @CommandLine.Option(names = "--float-scan-max", paramLabel = "N", defaultValue = "1000000",
            description = "Also time the plain float32 scan (every vector on the heap) for synthetic catalogues of up "
                    + "to N products (default: ${DEFAULT-VALUE}; 0: never, which keeps the process's memory to the "
                    + "int8 scan's for its RSS figure).")
    int floatScanMax;

    @CommandLine.Option(names = "--vector-dir", paramLabel = "DIR", defaultValue = "target/bench-vectors",
            description = "Where the int8 scan benchmark writes its derived vector files (default: ${DEFAULT-VALUE}).")
    Path vectorDir;

    @CommandLine.Option(names = "--clusters", paramLabel = "N", split = ",",
            description = "Also time clustering (k-means, k by silhouette, the PCA map) on synthetic catalogues of "
                    + "these sizes, e.g. 20000,1000000 (default: none).")
    int[] clusterCounts;

    @CommandLine.Option(names = "--cluster-k", paramLabel = "K", defaultValue = "50",
            description = "Clusters for --clusters; the synthetic vectors lie around K random centres "
                    + "(default: ${DEFAULT-VALUE}).")
    int clusterK;

    @CommandLine.Option(names = "--scan", paramLabel = "PASS", defaultValue = "auto",
            description = "How search finds the best products: auto (the binary first pass from --scan-threshold "
                    + "photos on) or exact (the int8 scan with error bounds at every size) (default: ${DEFAULT-VALUE}).")
    String scanPass;

    @CommandLine.Option(names = "--scan-threshold", paramLabel = "N", defaultValue = "100000",
            description = "Photos from which --scan auto takes the binary first pass (default: ${DEFAULT-VALUE}).")
    int scanThreshold;

    @CommandLine.Option(names = "--scan-candidates", paramLabel = "N", defaultValue = "2000",
            description = "Products the binary first pass keeps for exact scoring (default: ${DEFAULT-VALUE}).")
    int scanCandidates;

    @CommandLine.Option(names = "--scan-int8-copy", paramLabel = "BOOL", defaultValue = "true", arity = "1",
            description = "With the first pass on, keep the int8 copy on the heap too (default: ${DEFAULT-VALUE}).")
    boolean scanInt8Copy;

    @CommandLine.Option(names = "--no-model", description = "Only the search benchmarks; load no model.")
    boolean noModel;

    private ScanSettings scanSettings() {
        ScanSettings.Pass pass = switch (scanPass.toLowerCase(Locale.ROOT)) {
            case "auto" -> ScanSettings.Pass.AUTO;
            case "exact" -> ScanSettings.Pass.EXACT;
            default -> throw new CommandFailure(ExitCodes.USAGE, "--scan " + scanPass + ": use auto or exact");
        };
        return new ScanSettings(pass, scanThreshold, scanCandidates, scanInt8Copy);
    }

    @Override
    public Integer call() throws Exception {
        if (images != null && !Files.isDirectory(images)) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "--images " + images + ": no such folder");
        }
        ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        int vectorDim = dim;
        if (!noModel) {
            long loadStart = System.nanoTime();
            try (ClipModel clip = loadModel()) {
                // the text tower and whatever the model loads up front; the image tower may load on first use
                report.put("model_load_seconds", round((System.nanoTime() - loadStart) / 1e9));
                report.put("model", clip.name());
                report.put("text_precision", clip.textPrecision().name().toLowerCase(Locale.ROOT));
                vectorDim = clip.dim();
                if (images != null) {
                    report.set("embedding", benchEmbedding(clip));
                }
                report.set("text_query_ms", benchText(clip));
                if (fusion > 0) {
                    report.set("search_fusion", FusionBench.run(clip, fusion, Math.min(queries, 200)));
                }
            }
        }
        ArrayNode scans = report.putArray("scan");
        for (int n : vectorCounts) {
            scans.add(ScanBench.run(n, vectorDim, queries, vectorDir, floatScanMax, scanSettings()));
        }
        ArrayNode search = report.putArray("similar");
        for (int n : vectorCounts) {
            if (n <= floatScanMax) {
                search.add(benchSimilar(n, vectorDim));
            }
        }
        if (clusterCounts != null) {
            ArrayNode clustering = report.putArray("clustering");
            for (int n : clusterCounts) {
                clustering.add(ClusterBench.run(n, vectorDim, clusterK));
            }
        }
        report.put("peak_rss_mib", peakRssMib());
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return ExitCodes.OK;
    }

    private ObjectNode benchEmbedding(ClipModel clip) throws IOException {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(images)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(BenchCommand::isImageName).sorted()
                    .limit(maxImages).toList()) {
                files.add(Files.readAllBytes(p));
            }
        }
        if (files.isEmpty()) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "no .jpg/.png/.webp images under " + images);
        }
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        ImagePreprocessor pre = new ImagePreprocessor(clip.imageSpec());
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("images", files.size());
        n.put("batch", batch);

        // 1. decode + preprocess on every core
        long t0 = System.nanoTime();
        List<float[]> pixels = IntStream.range(0, files.size()).parallel().mapToObj(i -> {
            try {
                return pre.pixels(decoder.decode(files.get(i)).image());
            } catch (ImageDecodeException e) {
                return null;
            }
        }).toList();
        double prepSeconds = (System.nanoTime() - t0) / 1e9;
        List<float[]> good = pixels.stream().filter(p -> p != null).toList();
        n.put("decode_preprocess_images_per_s", round(files.size() / prepSeconds));

        // 2. the model alone on ready pixels (one warm-up batch first)
        clip.embedPixels(good.subList(0, Math.min(batch, good.size())));
        long t1 = System.nanoTime();
        for (int i = 0; i < good.size(); i += batch) {
            clip.embedPixels(good.subList(i, Math.min(good.size(), i + batch)));
        }
        double modelSeconds = (System.nanoTime() - t1) / 1e9;
        double modelRate = good.size() / modelSeconds;
        n.put("model_only_images_per_s", round(modelRate));

        // 3. the real embed run on a scratch catalogue
        Path tmp = Files.createTempDirectory("lookalike-bench");
        try (CatalogDb db = CatalogDb.open(tmp.resolve("bench.db"))) {
            for (byte[] f : files) {
                db.putImage(f, null, null, null, null, null);
            }
            EmbedRun.Summary s = new EmbedRun(db, clip, decoder, batch, Runtime.getRuntime().availableProcessors())
                    .run(ProgressListener.NONE);
            n.put("end_to_end_images_per_s", round(s.imagesPerSecond()));
            n.put("end_to_end_vs_model_only", round(s.imagesPerSecond() / modelRate));
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return n;
    }

    private static boolean isImageName(Path p) {
        String s = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return s.endsWith(".jpg") || s.endsWith(".jpeg") || s.endsWith(".png") || s.endsWith(".webp");
    }

    private ObjectNode benchText(ClipModel clip) {
        String[] words = {"gold", "purple", "faucet", "red", "dress", "leather", "bag", "chrome", "shoe", "black"};
        Random rnd = new Random(3);
        for (int i = 0; i < 10; i++) {
            clip.embedText("warm up " + words[i]);
        }
        long[] ns = new long[queries];
        for (int i = 0; i < queries; i++) {
            String q = words[rnd.nextInt(words.length)] + " " + words[rnd.nextInt(words.length)] + " " + i;
            long t = System.nanoTime();
            clip.embedText(q);
            ns[i] = System.nanoTime() - t;
        }
        return percentiles(ns);
    }

    private ObjectNode benchSimilar(int n, int d) {
        Random rnd = new Random(n);
        float[] matrix = new float[Math.multiplyExact(n, d)];
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
            Vectors.normalize(row);
            System.arraycopy(row, 0, matrix, i * d, d);
        }
        Product[] products = new Product[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            products[i] = new Product("p" + i, "https://bench/" + i, "product " + i, 1.0 + rnd.nextInt(500), "EUR",
                    null, "bench", null, null);
            ids[i] = "img" + i;
        }
        VectorIndex index = VectorIndex.ofRows(d, matrix, ids, products);
        SearchService service = new SearchService(() -> index, () -> null);
        for (int i = 0; i < 50; i++) {
            service.similar("p" + rnd.nextInt(n), false, SearchFilter.NONE, 20, 0);
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("products", n);
        node.put("dim", d);
        timeSimilar(service, rnd, n, node);
        if (lookalikes > 0 && n <= lookalikesMaxPhotos) {
            long t = System.nanoTime();
            index.precomputeLookalikes(lookalikes, () -> false);
            ObjectNode lists = node.putObject("lookalike_lists");
            lists.put("size", lookalikes);
            lists.put("precompute_s", round((System.nanoTime() - t) / 1e9));
            timeSimilar(service, rnd, n, lists);
        }
        return node;
    }

    /** Times similar and cheaper lookalikes of random products into {@code similar_ms} and {@code cheaper_ms}. */
    private void timeSimilar(SearchService service, Random rnd, int n, ObjectNode into) {
        long[] plain = new long[queries];
        long[] cheaper = new long[queries];
        for (int i = 0; i < queries; i++) {
            String id = "p" + rnd.nextInt(n);
            long t = System.nanoTime();
            service.similar(id, false, SearchFilter.NONE, 20, 0);
            plain[i] = System.nanoTime() - t;
            t = System.nanoTime();
            service.similar(id, true, SearchFilter.NONE, 20, 0);
            cheaper[i] = System.nanoTime() - t;
        }
        into.set("similar_ms", percentiles(plain));
        into.set("cheaper_ms", percentiles(cheaper));
    }

    static ObjectNode percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("p50", round(s[(int) (s.length * 0.50)] / 1e6));
        n.put("p90", round(s[(int) (s.length * 0.90)] / 1e6));
        n.put("p99", round(s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6));
        n.put("max", round(s[s.length - 1] / 1e6));
        return n;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** VmHWM from /proc: the most resident memory this process has had. */
    static long peakRssMib() {
        return statusMib("VmHWM:");
    }

    /** VmRSS from /proc: the resident memory of this process now. */
    static long rssMib() {
        return statusMib("VmRSS:");
    }

    private static long statusMib(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report nothing rather than a wrong figure
        }
        return -1;
    }
}
