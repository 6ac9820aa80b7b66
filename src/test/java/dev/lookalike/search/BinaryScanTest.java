package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import dev.lookalike.embed.Vectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binary first pass ({@link BinaryCodes}) against the exact scan on CLIP-shaped vectors: a common
 * direction every photo leans towards (CLIP's photos sit in a narrow cone), a few hundred looks of
 * different spread around it, and text-shaped queries that sit away from the cone, at cosine ~0.3 to the
 * photos, leaning towards one look.
 */
class BinaryScanTest {

    static final int DIM = 512;
    static final int N = 100_000;
    static final int LOOKS = 300;
    static final int K = RelevanceCut.WINDOW;
    static final int QUERIES = 60;

    static Data data;

    /** A generated catalogue and its queries. */
    record Data(float[] matrix, Product[] products, String[] ids, float[][] lookCentres, float[] textSide) {}

    @BeforeAll
    static void generate() {
        data = generate(N, 7);
    }

    static Data generate(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] common = unit(gaussian(rnd, DIM));
        float[] textSide = unit(gaussian(rnd, DIM));
        float[][] centres = new float[LOOKS][];
        float[] spread = new float[LOOKS];
        for (int c = 0; c < LOOKS; c++) {
            centres[c] = unit(gaussian(rnd, DIM));
            spread[c] = 0.4f + 0.5f * (float) rnd.nextDouble();
        }
        float[] matrix = new float[n * DIM];
        Product[] products = new Product[n];
        String[] ids = new String[n];
        for (int r = 0; r < n; r++) {
            // a few big looks and many small ones, as a shop's ranges are
            int c = (int) (LOOKS * Math.pow(rnd.nextDouble(), 2));
            float[] noise = unit(gaussian(rnd, DIM));
            for (int i = 0; i < DIM; i++) {
                matrix[r * DIM + i] = common[i] + 0.8f * centres[c][i] + spread[c] * noise[i];
            }
            float[] v = Vectors.normalize(java.util.Arrays.copyOfRange(matrix, r * DIM, (r + 1) * DIM));
            System.arraycopy(v, 0, matrix, r * DIM, DIM);
            // prices 1 … 10,000; one shop in 2,500 products
            products[r] = new Product("p" + r, "https://test/" + r, "product " + r, 1.0 + rnd.nextInt(10_000), "EUR",
                    null, r % 2500 == 0 ? "rare" : "shop", null, null);
            ids[r] = "img" + r;
        }
        return new Data(matrix, products, ids, centres, textSide);
    }

    static float[] textQuery(Data d, SplittableRandom rnd) {
        float[] noise = unit(gaussian(rnd, DIM));
        float[] centre = d.lookCentres[(int) (LOOKS * Math.pow(rnd.nextDouble(), 2))];
        float[] common = commonDirection(d);
        float[] q = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            q[i] = 0.2f * common[i] + 0.3f * centre[i] + 0.5f * d.textSide[i] + 0.75f * noise[i];
        }
        return Vectors.normalize(q);
    }

    private static float[] commonDirection(Data d) {
        float[] m = new float[DIM];
        int n = d.products.length;
        for (int r = 0; r < n; r += 97) {
            for (int i = 0; i < DIM; i++) {
                m[i] += d.matrix[r * DIM + i];
            }
        }
        return unit(m);
    }

    static float[] gaussian(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static float[] unit(float[] v) {
        return Vectors.normalize(v);
    }

    private static VectorIndex index(ScanSettings scan) {
        return VectorIndex.ofRows(DIM, data.matrix, data.ids, data.products, scan);
    }

    /** Mean recall@{@code at} of {@code index.search} against the exact scan, checking every answer on the way. */
    private static double recall(VectorIndex index, List<float[]> queries, List<SearchFilter> filters, int at) {
        double sum = 0;
        for (int i = 0; i < queries.size(); i++) {
            float[] q = queries.get(i);
            SearchFilter f = filters.get(i);
            List<Match> exact = index.searchExactly(q, f, K, 0);
            List<Match> got = index.search(q, f, K, 0);
            int eligible = 0;
            for (Product p : data.products) {
                if (f.accepts(p)) {
                    eligible++;
                }
            }
            assertEquals(Math.min(K, eligible), got.size(), "a filtered query returns every result that exists");
            float[] best = new float[got.size()];
            int[] rows = new int[got.size()];
            int[] ps = got.stream().mapToInt(m -> index.indexOf(m.product().id())).toArray();
            index.scoreProducts(q, ps, best, rows);
            for (int j = 0; j < got.size(); j++) {
                Match m = got.get(j);
                assertTrue(f.accepts(m.product()), "only eligible products");
                assertEquals(best[j], m.score(), "the score of " + m.product().id() + " is the exact score");
                if (j > 0) {
                    assertTrue(got.get(j - 1).score() >= m.score(), "best first");
                }
            }
            Set<String> want = new HashSet<>();
            for (int j = 0; j < Math.min(at, exact.size()); j++) {
                want.add(exact.get(j).product().id());
            }
            int hit = 0;
            for (int j = 0; j < Math.min(at, got.size()); j++) {
                if (want.contains(got.get(j).product().id())) {
                    hit++;
                }
            }
            sum += want.isEmpty() ? 1 : (double) hit / want.size();
        }
        return sum / queries.size();
    }

    private static List<float[]> productQueries(VectorIndex index, SplittableRandom rnd, List<SearchFilter> filters,
                                                SearchFilter base) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            String id = "p" + rnd.nextInt(N);
            out.add(Vectors.normalize(index.productVector(id).orElseThrow()));
            filters.add(base.excluding(id));
        }
        return out;
    }

    private static List<float[]> textQueries(SplittableRandom rnd, List<SearchFilter> filters, SearchFilter base) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            out.add(textQuery(data, rnd));
            filters.add(base);
        }
        return out;
    }

    @Test
    void theFirstPassFindsTheExactTopTenOfProductQueries() {
        VectorIndex index = index(ScanSettings.DEFAULTS);
        assertTrue(index.approximatesTop());
        // a tenth of the products, more than the first pass keeps; and a hundredth, fewer
        for (SearchFilter base : List.of(SearchFilter.NONE, SearchFilter.prices(1.0, 1000.0),
                SearchFilter.prices(1.0, 100.0))) {
            List<SearchFilter> filters = new ArrayList<>();
            List<float[]> qs = productQueries(index, new SplittableRandom(11), filters, base);
            double at10 = recall(index, qs, filters, 10);
            double at100 = recall(index, qs, filters, 100);
            System.out.printf("product-like queries, %s: recall@10 %.4f, recall@100 %.4f%n", base, at10, at100);
            assertTrue(at10 >= 0.99, "recall@10 " + at10);
        }
    }

    @Test
    void theFirstPassFindsTheExactTopTenOfTextQueries() {
        VectorIndex index = index(ScanSettings.DEFAULTS);
        float[] q = textQuery(data, new SplittableRandom(3));
        List<Match> top = index.searchExactly(q, SearchFilter.NONE, 1, 0);
        assertTrue(top.get(0).score() > 0.2 && top.get(0).score() < 0.5,
                "a text-shaped query sits far from every photo: " + top.get(0).score());
        // a tenth of the products, more than the first pass keeps; and a hundredth, fewer
        for (SearchFilter base : List.of(SearchFilter.NONE, SearchFilter.prices(1.0, 1000.0),
                SearchFilter.prices(1.0, 100.0))) {
            List<SearchFilter> filters = new ArrayList<>();
            List<float[]> qs = textQueries(new SplittableRandom(13), filters, base);
            double at10 = recall(index, qs, filters, 10);
            double at100 = recall(index, qs, filters, 100);
            System.out.printf("text-like queries, %s: recall@10 %.4f, recall@100 %.4f%n", base, at10, at100);
            assertTrue(at10 >= 0.99, "recall@10 " + at10);
        }
    }

    @Test
    void aFilterLeavingFewerThanTheWindowReturnsThemAll() {
        VectorIndex index = index(ScanSettings.DEFAULTS);
        SearchFilter rare = new SearchFilter(null, null, "rare", null, null, null, null, null);
        List<SearchFilter> filters = new ArrayList<>();
        List<float[]> qs = textQueries(new SplittableRandom(17), filters, rare);
        // 40 products of the rare shop, fewer than the window: every one of them, exactly ranked
        assertEquals(1.0, recall(index, qs.subList(0, 5), filters.subList(0, 5), 100));
    }

    @Test
    void withoutTheInt8CopyTheFloatsInTheFileScoreTheCandidatesAndTheExactScans(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("rows.vectors");
        VectorIndex.writeRowFile(file, DIM, N, r -> java.util.Arrays.copyOfRange(data.matrix, r * DIM, (r + 1) * DIM));
        VectorIndex lean = VectorIndex.ofRowFile(file, DIM, data.ids, data.products,
                new ScanSettings(ScanSettings.Pass.AUTO, 1000, 2_000, false));
        VectorIndex exact = index(ScanSettings.EXACT);
        assertTrue(lean.approximatesTop());
        assertFalse(lean.vectorsOnHeap());
        List<SearchFilter> filters = new ArrayList<>();
        List<float[]> qs = textQueries(new SplittableRandom(23), filters, SearchFilter.prices(1.0, 1000.0));
        double at10 = recall(lean, qs.subList(0, 20), filters.subList(0, 20), 10);
        assertTrue(at10 >= 0.99, "recall@10 " + at10);
        for (int i = 0; i < 3; i++) {
            float[] q = qs.get(i);
            IntPredicate band = exact.accepting(filters.get(i));
            VectorIndex.ScoredProducts top = exact.scoreTop(q, 50, band);
            float t = top.scores()[49];
            // every product at or above the 50th score, from the file's floats: what the int8 scan finds
            assertSame(exact.scoreAtLeast(q, t, band), lean.scoreAtLeast(q, t, lean.accepting(filters.get(i))));
            assertSame(top, lean.scoreTopExactly(q, 50, lean.accepting(filters.get(i))));
        }
    }

    private static void assertSame(VectorIndex.ScoredProducts want, VectorIndex.ScoredProducts got) {
        assertEquals(want.count(), got.count());
        assertEquals(want.eligibleCount(), got.eligibleCount());
        for (int i = 0; i < want.count(); i++) {
            assertEquals(want.products()[i], got.products()[i], "product at " + i);
            assertEquals(want.rows()[i], got.rows()[i], "row at " + i);
            assertEquals(want.scores()[i], got.scores()[i], "score at " + i);
        }
    }

    @Test
    void belowTheThresholdOrWhenExactTheScanIsExact() {
        VectorIndex exact = index(ScanSettings.EXACT);
        VectorIndex above = index(new ScanSettings(ScanSettings.Pass.AUTO, N + 1, 2_000, true));
        assertFalse(exact.approximatesTop());
        assertFalse(above.approximatesTop());
        SplittableRandom rnd = new SplittableRandom(19);
        for (int i = 0; i < 5; i++) {
            float[] q = textQuery(data, rnd);
            SearchFilter band = SearchFilter.prices(1.0, 100.0);
            assertEquals(exact.searchExhaustive(q, band, K, 0), exact.search(q, band, K, 0));
            assertEquals(exact.searchExhaustive(q, SearchFilter.NONE, K, 0), above.search(q, SearchFilter.NONE, K, 0));
        }
    }
}
