package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.Product;
import dev.lookalike.embed.Vectors;
import dev.lookalike.search.ScanSettings;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.VectorIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Times search ({@link VectorIndex#search}: the int8 scan with exact re-scoring, or above its threshold the
 * binary first pass of {@link ScanSettings}) on a synthetic catalogue of
 * clustered vectors kept in a derived vector file, as a large catalogue is served: "more like this"
 * (a product's own vector) and a text-shaped query (far from every photo, leaning towards one look),
 * each with and without a price band, plus how long the index takes to open on the warm file and the
 * process's resident memory after loading and after the queries; and the recall of its top against the
 * exact scan's ({@link VectorIndex#searchExactly}) on the same queries.
 */
final class ScanBench {

    /** Products per look: about what a shop's variants and near-copies of one style make. */
    private static final int PER_CLUSTER = 1000;

    private ScanBench() {}

    /**
     * @param heapMax also time an index with every float on the heap, and the float32 scan, up to this many
     *     products
     */
    static ObjectNode run(int n, int dim, int queries, Path folder, int heapMax, ScanSettings scan) throws IOException {
        int clusters = Math.max(1, n / PER_CLUSTER);
        long seed = 42;
        float[][] centres = new float[clusters][];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int c = 0; c < clusters; c++) {
            centres[c] = uniform(rnd, dim, 1f);
        }
        Files.createDirectories(folder);
        Path file = folder.resolve("clustered-" + n + "x" + dim + ".vectors");
        Product[] products = new Product[n];
        String[] ids = new String[n];
        SplittableRandom prices = new SplittableRandom(seed + 1);
        for (int i = 0; i < n; i++) {
            products[i] = new Product("p" + i, "https://bench/" + i, "product " + i, 1.0 + prices.nextInt(500), "EUR",
                    null, "bench", null, null);
            ids[i] = "img" + i;
        }
        double writeSeconds = -1;
        VectorIndex index;
        long t1 = System.nanoTime();
        try {
            // a file from an earlier run is reused: the rows are a function of (seed, n, dim)
            index = VectorIndex.ofRowFile(file, dim, ids, products, scan);
        } catch (IOException absentOrDamaged) {
            long t0 = System.nanoTime();
            VectorIndex.writeRowFile(file, dim, n, r -> row(centres, seed, r, dim));
            writeSeconds = (System.nanoTime() - t0) / 1e9;
            t1 = System.nanoTime();
            index = VectorIndex.ofRowFile(file, dim, ids, products, scan);
        }
        double readySeconds = (System.nanoTime() - t1) / 1e9;

        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("products", n);
        node.put("dim", dim);
        node.put("clusters", clusters);
        node.put("vector_file_mib", Files.size(file) >> 20);
        if (writeSeconds >= 0) {
            node.put("write_vector_file_s", BenchCommand.round(writeSeconds));
        }
        node.put("ready_on_warm_file_s", BenchCommand.round(readySeconds));
        node.put("rss_mib_after_load", BenchCommand.rssMib());
        node.put("first_pass", index.approximatesTop() ? "binary codes, " + scan.candidates() + " candidates scored exactly"
                : "int8 with error bounds (exact)");
        SearchFilter band = SearchFilter.prices(100.0, 200.0);
        SplittableRandom pick = new SplittableRandom(seed + 2);
        VectorIndex idx = index;
        Supplier<float[]> similar = () -> Vectors.normalize(idx.productVector("p" + pick.nextInt(n)).orElseThrow());
        Supplier<float[]> text = () -> textLike(centres[pick.nextInt(clusters)], pick, dim);
        // warm-up: JIT and page cache
        for (int i = 0; i < 30; i++) {
            index.search(similar.get(), SearchFilter.NONE, 20, 0);
            index.search(text.get(), band, 20, 0);
        }
        timeInterleaved(node, queries,
                new Timed("similar_ms", index::search, similar, SearchFilter.NONE),
                new Timed("similar_price_band_ms", index::search, similar, band),
                new Timed("text_ms", index::search, text, SearchFilter.NONE),
                new Timed("text_price_band_ms", index::search, text, band));
        node.put("rss_mib_after_queries", BenchCommand.rssMib());
        ObjectNode recall = node.putObject("recall_vs_exact");
        int sample = Math.min(queries, RECALL_QUERIES);
        SplittableRandom again = new SplittableRandom(seed + 3);
        Supplier<float[]> similarAgain = () -> Vectors.normalize(idx.productVector("p" + again.nextInt(n)).orElseThrow());
        Supplier<float[]> textAgain = () -> textLike(centres[again.nextInt(clusters)], again, dim);
        recall(recall, "similar", idx, similarAgain, SearchFilter.NONE, sample);
        recall(recall, "similar_price_band", idx, similarAgain, band, sample);
        recall(recall, "text", idx, textAgain, SearchFilter.NONE, sample);
        recall(recall, "text_price_band", idx, textAgain, band, sample);
        long codeBytes = (long) n * dim;
        if (codeBytes >= FLOOR_BYTES) {
            node.put("memory_floor_ms", BenchCommand.round(memoryFloorMs(codeBytes)));
        }
        if (n <= heapMax) {
            // as load() keeps a small catalogue: every float on the heap too; and the float32 scan it replaces
            float[] matrix = new float[Math.multiplyExact(n, dim)];
            for (int r = 0; r < n; r++) {
                System.arraycopy(row(centres, seed, r, dim), 0, matrix, r * dim, dim);
            }
            VectorIndex heap = VectorIndex.ofRows(dim, matrix, ids, products, scan);
            Supplier<float[]> similarHeap = () -> Vectors.normalize(heap.productVector("p" + pick.nextInt(n)).orElseThrow());
            for (int i = 0; i < 30; i++) {
                heap.search(similarHeap.get(), SearchFilter.NONE, 20, 0);
                heap.searchExhaustive(similarHeap.get(), SearchFilter.NONE, 20, 0);
            }
            ObjectNode h = node.putObject("floats_on_heap");
            timeInterleaved(h, queries,
                    new Timed("similar_ms", heap::search, similarHeap, SearchFilter.NONE),
                    new Timed("similar_price_band_ms", heap::search, similarHeap, band),
                    new Timed("text_ms", heap::search, text, SearchFilter.NONE),
                    new Timed("text_price_band_ms", heap::search, text, band),
                    new Timed("float32_scan_similar_ms", heap::searchExhaustive, similarHeap, SearchFilter.NONE),
                    new Timed("float32_scan_text_ms", heap::searchExhaustive, text, SearchFilter.NONE));
            h.put("rss_mib_after_queries", BenchCommand.rssMib());
        }
        return node;
    }

    private static final int FLOOR_BYTES = 128 << 20;

    /** Queries of each kind whose top is compared with the exact scan's. */
    private static final int RECALL_QUERIES = 50;

    /** As many results as the search service asks of the index (its relevance window). */
    private static final int WINDOW = 100;

    /**
     * Mean recall@10 and @100 of {@code index.search} against {@code index.searchExactly}, the top 100
     * (what the search service asks for) of {@code count} queries.
     */
    private static void recall(ObjectNode into, String name, VectorIndex index, Supplier<float[]> queries,
                               SearchFilter filter, int count) {
        double at10 = 0;
        double at100 = 0;
        for (int i = 0; i < count; i++) {
            float[] q = queries.get();
            List<String> exact = index.searchExactly(q, filter, WINDOW, 0).stream().map(m -> m.product().id()).toList();
            List<String> got = index.search(q, filter, WINDOW, 0).stream().map(m -> m.product().id()).toList();
            at10 += overlap(exact, got, 10);
            at100 += overlap(exact, got, WINDOW);
        }
        into.put(name + "_at10", Math.round(at10 / count * 10_000) / 10_000.0);
        into.put(name + "_at100", Math.round(at100 / count * 10_000) / 10_000.0);
    }

    /** The share of {@code exact}'s first {@code at} that {@code got}'s first {@code at} holds. */
    private static double overlap(List<String> exact, List<String> got, int at) {
        Set<String> want = new HashSet<>(exact.subList(0, Math.min(at, exact.size())));
        if (want.isEmpty()) {
            return 1;
        }
        int hit = 0;
        for (String id : got.subList(0, Math.min(at, got.size()))) {
            if (want.contains(id)) {
                hit++;
            }
        }
        return (double) hit / want.size();
    }

    /**
     * What merely reading {@code bytes} from memory takes on this machine now (both cores, 128 MiB read
     * and scaled, the median of 15 reads): the floor under an int8 scan of that many codes, measured in
     * the same run so that a busy machine shows as such.
     */
    private static double memoryFloorMs(long bytes) {
        long[] words = new long[FLOOR_BYTES / 8];
        java.util.Arrays.fill(words, 1);
        int cores = Runtime.getRuntime().availableProcessors();
        int step = words.length / cores;
        long[] ns = new long[15];
        long sink = 0;
        for (int rep = 0; rep < ns.length; rep++) {
            long t = System.nanoTime();
            sink += java.util.stream.IntStream.range(0, cores).parallel().mapToLong(c -> {
                long acc = 0;
                for (int i = c * step, end = c == cores - 1 ? words.length : (c + 1) * step; i < end; i++) {
                    acc |= words[i];
                }
                return acc;
            }).sum();
            ns[rep] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(ns);
        if (sink == 0) {
            throw new IllegalStateException("the read was optimised away");
        }
        return ns[ns.length / 2] / 1e6 * ((double) bytes / FLOOR_BYTES);
    }

    /** One way of answering a query. */
    @FunctionalInterface
    private interface Searcher {
        Object search(float[] query, SearchFilter filter, int limit, int offset);
    }

    /** One kind of query: its name in the report, how it is asked, its vectors and its filter. */
    private record Timed(String name, Searcher searcher, Supplier<float[]> queries, SearchFilter filter) {}

    /**
     * {@code count} queries of each kind, taken in turns (one of each, then the next of each), so that a
     * slow stretch of a shared machine falls on every kind alike instead of on whichever was being timed;
     * each kind's percentiles into {@code node} under its name.
     */
    private static void timeInterleaved(ObjectNode node, int count, Timed... kinds) {
        long[][] ns = new long[kinds.length][count];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < kinds.length; k++) {
                float[] q = kinds[k].queries.get();
                long t = System.nanoTime();
                kinds[k].searcher.search(q, kinds[k].filter, 20, 0);
                ns[k][i] = System.nanoTime() - t;
            }
        }
        for (int k = 0; k < kinds.length; k++) {
            node.set(kinds[k].name, BenchCommand.percentiles(ns[k]));
        }
    }

    /** Row {@code r}: its look's centre plus noise of 0.6 its size (cosine to the centre ≈ 0.86, to a neighbour ≈ 0.74). */
    static float[] row(float[][] centres, long seed, int r, int dim) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + r);
        float[] c = centres[rnd.nextInt(centres.length)];
        float[] v = uniform(rnd, dim, 0.6f);
        for (int i = 0; i < dim; i++) {
            v[i] += c[i];
        }
        return Vectors.normalize(v);
    }

    private static float[] textLike(float[] centre, SplittableRandom rnd, int dim) {
        float[] v = uniform(rnd, dim, 3.2f);
        for (int i = 0; i < dim; i++) {
            v[i] += centre[i];
        }
        return Vectors.normalize(v);
    }

    private static float[] uniform(SplittableRandom rnd, int dim, float size) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1) * size;
        }
        return v;
    }
}
