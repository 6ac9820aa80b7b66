package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.Vectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 scan with exact re-scoring returns what the float32 scan returns, on clustered vectors (what
 * CLIP vectors of a catalogue look like: many near-identical photos around a few looks, so the best
 * scores crowd together within the int8 error), with the awkward cases of the catalogue (several photos
 * per product, shared photos, products without photos); and the derived vector file is rebuilt when the
 * vectors change, when it is damaged, and written elsewhere when its folder is read-only.
 */
class BoundedScanTest {

    static final int DIM = 512;
    static final int CLUSTERS = 12;

    @TempDir
    Path dir;

    CatalogDb db;
    Collection col;
    float[][] centres;
    Random rnd = new Random(2026);

    @BeforeEach
    void setUp() {
        db = CatalogDb.open(dir.resolve("c.db"));
        col = db.collection("m", "m");
        centres = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centres[c] = gaussian(1.0f);
        }
        List<String> images = new ArrayList<>();
        List<NewVector> vectors = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            Double price = i % 11 == 0 ? null : (double) (1 + rnd.nextInt(500));
            Product p = Product.of("https://shop/" + i, "p" + i, price, i % 5 == 0 ? "USD" : "EUR",
                    "brand" + (i % 4), i % 3 == 0 ? "north" : "south", null, null);
            db.upsertProduct(p);
            if (i % 37 == 36) {
                continue; // no photo
            }
            int photos = i % 6 == 0 ? 3 : 1;
            for (int k = 0; k < photos; k++) {
                String image;
                if (i % 17 == 5 && k == 0 && !images.isEmpty()) {
                    image = images.get(rnd.nextInt(images.size()));
                } else {
                    byte[] bytes = ("img" + i + "/" + k).getBytes();
                    image = db.putImage(bytes, 1, 1, "png", null, null);
                    vectors.add(new NewVector(image, clustered(), CatalogDb.md5(bytes), null));
                    images.add(image);
                }
                db.linkImage(new ProductImage(p.id(), "https://shop/" + i + "/" + k, image, null, k));
            }
        }
        db.saveVectors(col.id(), vectors);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private float[] gaussian(float sigma) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) rnd.nextGaussian() * sigma;
        }
        return v;
    }

    /** A photo near one of the looks: centre plus a little noise (cosines to its neighbours ≈ 0.8–0.95). */
    private float[] clustered() {
        float[] c = centres[rnd.nextInt(CLUSTERS)];
        float[] v = gaussian(0.35f);
        for (int d = 0; d < DIM; d++) {
            v[d] += c[d];
        }
        return Vectors.normalize(v);
    }

    /** A text-shaped query: far from every photo (cosines ≈ 0.2–0.4), leaning towards one look. */
    private float[] textLike() {
        float[] c = centres[rnd.nextInt(CLUSTERS)];
        float[] v = gaussian(1.6f);
        for (int d = 0; d < DIM; d++) {
            v[d] += 0.5f * c[d];
        }
        return Vectors.normalize(v);
    }

    /** What the float32 scan answers: every product's exact best score, then the top of those eligible. */
    private static VectorIndex.ScoredProducts reference(VectorIndex idx, float[] q, int k, IntPredicate ok) {
        int n = idx.productTotal();
        float[] best = new float[n];
        int[] bestRow = new int[n];
        idx.scoreAll(q, best, bestRow);
        int eligible = 0;
        for (int p = 0; p < n; p++) {
            if (best[p] != Float.NEGATIVE_INFINITY && ok != null && !ok.test(p)) {
                best[p] = Float.NEGATIVE_INFINITY;
            }
            if (best[p] != Float.NEGATIVE_INFINITY) {
                eligible++;
            }
        }
        int[] top = TopK.select(best, Math.min(k, n));
        int[] rows = new int[top.length];
        float[] scores = new float[top.length];
        for (int i = 0; i < top.length; i++) {
            rows[i] = bestRow[top[i]];
            scores[i] = best[top[i]];
        }
        return new VectorIndex.ScoredProducts(top, rows, scores, top.length, eligible);
    }

    private static void assertSame(VectorIndex.ScoredProducts want, VectorIndex.ScoredProducts got, String what) {
        assertEquals(want.count(), got.count(), what + ": count");
        assertArrayEquals(java.util.Arrays.copyOf(want.products(), want.count()),
                java.util.Arrays.copyOf(got.products(), got.count()), what + ": products");
        assertArrayEquals(java.util.Arrays.copyOf(want.rows(), want.count()),
                java.util.Arrays.copyOf(got.rows(), got.count()), what + ": rows");
        assertArrayEquals(java.util.Arrays.copyOf(want.scores(), want.count()),
                java.util.Arrays.copyOf(got.scores(), got.count()), what + ": scores, bit for bit");
        assertEquals(want.eligibleCount(), got.eligibleCount(), what + ": eligible count");
    }

    private List<IntPredicate> filters(VectorIndex idx) {
        List<IntPredicate> out = new ArrayList<>();
        out.add(null);
        SearchFilter band = SearchFilter.prices(100.0, 180.0);
        out.add(p -> band.accepts(idx.productAt(p)));
        SearchFilter north = new SearchFilter(null, null, "north", null, null, null, null, null);
        out.add(p -> north.accepts(idx.productAt(p)));
        SearchFilter cheaper = SearchFilter.NONE.withCheaperThan(40.0, "EUR", null);
        out.add(p -> cheaper.accepts(idx.productAt(p))); // few pass: fewer than k
        int self = rnd.nextInt(idx.productTotal());
        out.add(p -> p != self && p % 3 != 1);
        return out;
    }

    private void checkAgainstTheFloatScan(VectorIndex idx) {
        List<IntPredicate> filters = filters(idx);
        int[] ks = {1, 10, 100, 400};
        for (int trial = 0; trial < 60; trial++) {
            float[] q;
            if (trial % 2 == 0) {
                int p;
                do {
                    p = rnd.nextInt(idx.productTotal());
                } while (!idx.hasPhoto(p));
                q = Vectors.normalize(idx.rowVector(idx.firstRow(p)));
            } else {
                q = textLike();
            }
            IntPredicate ok = filters.get(trial % filters.size());
            int k = ks[rnd.nextInt(ks.length)];
            VectorIndex.ScoredProducts want = reference(idx, q, k, ok);
            assertSame(want, idx.scoreTop(q, k, ok), "top " + k + ", trial " + trial);
            // "everything scoring at least t", t the k-th score and a score well inside the list
            float t = want.scores()[want.count() - 1];
            VectorIndex.ScoredProducts atLeastK = idx.scoreAtLeast(q, t, ok);
            VectorIndex.ScoredProducts wantAll = reference(idx, q, Integer.MAX_VALUE, ok);
            int m = 0;
            while (m < wantAll.count() && wantAll.scores()[m] >= t) {
                m++;
            }
            assertSame(new VectorIndex.ScoredProducts(wantAll.products(), wantAll.rows(), wantAll.scores(), m,
                    wantAll.eligibleCount()), atLeastK, "at least the " + k + "-th score, trial " + trial);
            float mid = wantAll.scores()[wantAll.count() / 2];
            int half = 0;
            while (half < wantAll.count() && wantAll.scores()[half] >= mid) {
                half++;
            }
            assertEquals(half, idx.scoreAtLeast(q, mid, ok).count(), "at least the median score");
            if (trial % 10 == 0) {
                assertSame(wantAll, idx.scoreAtLeast(q, Float.NEGATIVE_INFINITY, ok), "at least −∞");
            }
        }
    }

    @Test
    void int8ScanWithReScoringAnswersExactlyWhatTheFloatScanAnswers() {
        VectorIndex onHeap = VectorIndex.load(db, col, List.of(), Long.MAX_VALUE);
        assertTrue(onHeap.vectorsOnHeap());
        checkAgainstTheFloatScan(onHeap);
    }

    @Test
    void theSameWithTheFloatsInTheDerivedFile() {
        Path file = dir.resolve("derived/c.vectors");
        VectorIndex inFile = VectorIndex.load(db, col, List.of(file), 0);
        assertFalse(inFile.vectorsOnHeap());
        assertEquals(file, inFile.derivedFile().orElseThrow());
        checkAgainstTheFloatScan(inFile);
        // and the file's answers are the heap's
        VectorIndex onHeap = VectorIndex.load(db, col, List.of(), Long.MAX_VALUE);
        float[] q = textLike();
        assertSame(onHeap.scoreTop(q, 50, null), inFile.scoreTop(q, 50, null), "file vs heap");
        assertEquals(onHeap.search(q, SearchFilter.prices(10.0, 90.0), 20, 5),
                inFile.search(q, SearchFilter.prices(10.0, 90.0), 20, 5));
    }

    @Test
    void productsFoundElsewhereGetTheScoresOfTheFullScan() {
        VectorIndex idx = VectorIndex.load(db, col, List.of(dir.resolve("v")), 0);
        float[] q = textLike();
        int n = idx.productTotal();
        float[] best = new float[n];
        int[] bestRow = new int[n];
        idx.scoreAll(q, best, bestRow);
        int[] some = rnd.ints(200, 0, n).toArray();
        float[] got = new float[some.length];
        int[] gotRow = new int[some.length];
        idx.scoreProducts(q, some, got, gotRow);
        for (int i = 0; i < some.length; i++) {
            int p = some[i];
            assertEquals(best[p], got[i], "product " + p);
            if (idx.hasPhoto(p)) {
                assertEquals(bestRow[p], gotRow[i], "product " + p + "'s best photo");
            } else {
                assertEquals(-1, gotRow[i]);
            }
        }
    }

    @Test
    void theFirstPassWithRoomForEveryProductAnswersAsTheExactScan() {
        // every product fits among the candidates, so the first pass must give the exact answer: what this
        // checks is how it maps photos to products (several photos, shared ones, products without any),
        // photo by photo for wide filters and product by product for narrow ones
        VectorIndex exact = VectorIndex.load(db, col, List.of(), Long.MAX_VALUE);
        VectorIndex first = VectorIndex.load(db, col, List.of(), Long.MAX_VALUE,
                new ScanSettings(ScanSettings.Pass.AUTO, 1, 2_000, true), false);
        assertTrue(first.approximatesTop());
        List<SearchFilter> filters = List.of(SearchFilter.NONE, SearchFilter.prices(100.0, 180.0),
                SearchFilter.prices(1.0, 12.0), new SearchFilter(null, null, null, "Brand2", null, null, null, null),
                SearchFilter.NONE.excluding(exact.productAt(6).id()));
        for (int t = 0; t < 6; t++) {
            float[] q = t % 2 == 0 ? textLike() : exact.rowVector(exact.firstRow(7 * t));
            for (SearchFilter f : filters) {
                for (int k : new int[] {1, 20, 400}) {
                    assertSame(exact.scoreTopExactly(q, k, exact.accepting(f)), first.scoreTop(q, k, first.accepting(f)),
                            f + ", k " + k);
                }
            }
        }
    }

    @Test
    void theColumnFilterAcceptsExactlyWhatTheFilterAccepts() {
        VectorIndex idx = VectorIndex.load(db, col, List.of(), Long.MAX_VALUE);
        String someId = idx.productAt(5).id();
        List<SearchFilter> filters = List.of(SearchFilter.prices(100.0, 180.0), SearchFilter.prices(null, 0.5),
                SearchFilter.prices(499.0, null), new SearchFilter(null, null, "NORTH", null, null, null, null, null),
                new SearchFilter(null, null, null, "Brand2", null, null, null, null),
                new SearchFilter(null, null, "nowhere", null, null, null, null, null),
                new SearchFilter(null, null, null, null, "none", null, null, null),
                SearchFilter.NONE.withCheaperThan(200.0, "EUR", someId),
                SearchFilter.NONE.withCheaperThan(200.0, "USD", null),
                SearchFilter.NONE.withCheaperThan(200.0, null, null),
                SearchFilter.prices(10.0, 300.0).withCheaperThan(250.0, "EUR", someId), SearchFilter.NONE.excluding(someId),
                SearchFilter.prices(50.0, null).within(java.util.Set.of(someId, idx.productAt(70).id(),
                        idx.productAt(idx.productTotal() - 1).id(), "no such product")),
                SearchFilter.NONE.within(java.util.Set.of(someId)).excluding(someId));
        for (SearchFilter f : filters) {
            IntPredicate column = idx.accepting(f);
            int passed = 0;
            for (int p = 0; p < idx.productTotal(); p++) {
                boolean want = f.accepts(idx.productAt(p));
                assertEquals(want, column.test(p), f + " on " + idx.productAt(p));
                passed += want ? 1 : 0;
            }
            assertTrue(passed < idx.productTotal(), f + " filters something");
        }
    }

    @Test
    void aFilteredSearchNeverReturnsFewerThanExist() {
        VectorIndex idx = VectorIndex.load(db, col, List.of(dir.resolve("v")), 0);
        SearchFilter rare = SearchFilter.prices(250.0, 252.0);
        long exist = idx.productsWithPhotos().stream().filter(rare::accepts).count();
        assertTrue(exist > 0 && exist < 20, "the band holds a few products: " + exist);
        assertEquals(exist, idx.search(textLike(), rare, 20, 0).size());
    }

    private static Object identity(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis());
    }

    @Test
    void theDerivedFileIsReusedWhileCurrentAndRebuiltWhenTheVectorsChange() throws IOException {
        Path file = VectorFile.beside(db.file(), col.id());
        VectorIndex first = VectorIndex.load(db, col);
        assertEquals(file, first.derivedFile().orElseThrow());
        Object written = identity(file);
        VectorIndex again = VectorIndex.load(db, col);
        assertEquals(written, identity(file), "a current file is read, not written again");
        float[] q = textLike();
        assertEquals(first.search(q, SearchFilter.NONE, 30, 0), again.search(q, SearchFilter.NONE, 30, 0));

        // embed replaces one photo's vector: the stamp changes, the file is rebuilt, the answer follows
        Product target = again.productsWithPhotos().get(7);
        String image = again.imageOf(target.id()).orElseThrow();
        float[] there = q.clone();
        db.saveVectors(col.id(), List.of(new NewVector(image, there, new byte[] {1, 2, 3}, null)));
        VectorIndex changed = VectorIndex.load(db, col);
        assertNotEquals(written, identity(file), "a stale file is rebuilt");
        Match top = changed.search(q, SearchFilter.NONE, 1, 0).get(0);
        assertEquals(target.id(), top.product().id());
        assertEquals(1.0f, top.score(), 1e-5);
    }

    @Test
    void aTruncatedOrCorruptFileIsDetectedAndRebuilt() throws IOException {
        Path file = dir.resolve("v/c.vectors");
        VectorIndex good = VectorIndex.load(db, col, List.of(file), 0);
        float[] q = textLike();
        List<Match> want = good.search(q, SearchFilter.NONE, 40, 0);

        // one flipped bit deep in the rows: the sizes and the stamp still match, the checksum does not
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = VectorFile.HEADER + 4L * DIM * 300 + 17;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
        Object corrupt = identity(file);
        VectorIndex rebuilt = VectorIndex.load(db, col, List.of(file), 0);
        assertNotEquals(corrupt, identity(file), "a corrupt file is rebuilt");
        assertEquals(want, rebuilt.search(q, SearchFilter.NONE, 40, 0));

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 1000);
        }
        VectorIndex again = VectorIndex.load(db, col, List.of(file), 0);
        assertEquals(VectorFile.HEADER + 4L * DIM * again.rowCount(), Files.size(file), "rebuilt to full length");
        assertEquals(want, again.search(q, SearchFilter.NONE, 40, 0));
    }

    @Test
    void aReadOnlyFolderSendsTheFileToTheNextPlaceOrLeavesTheVectorsOnTheHeap() throws IOException {
        // a regular file where the folder should be: no one, root included, can create a file under it
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "not a folder");
        Path elsewhere = dir.resolve("tmp/c.vectors");
        float[] q = textLike();
        List<Match> want = VectorIndex.load(db, col, List.of(), Long.MAX_VALUE).search(q, SearchFilter.NONE, 25, 0);

        VectorIndex moved = VectorIndex.load(db, col, List.of(blocked.resolve("c.vectors"), elsewhere), 0);
        assertEquals(elsewhere, moved.derivedFile().orElseThrow());
        assertFalse(moved.vectorsOnHeap());
        assertEquals(want, moved.search(q, SearchFilter.NONE, 25, 0));

        VectorIndex nowhere = VectorIndex.load(db, col, List.of(blocked.resolve("c.vectors")), 0);
        assertTrue(nowhere.derivedFile().isEmpty());
        assertTrue(nowhere.vectorsOnHeap(), "no file to keep them in: the floats stay on the heap");
        assertEquals(want, nowhere.search(q, SearchFilter.NONE, 25, 0));
    }

    @Test
    void aCatalogueInAReadOnlyFolderKeepsItsFileInTheTempFolder() {
        Path beside = VectorFile.beside(db.file(), col.id());
        Path temp = VectorFile.inTemp(db.file(), col.id());
        assertEquals(db.file().toAbsolutePath().getParent(), beside.getParent());
        assertTrue(temp.startsWith(Path.of(System.getProperty("java.io.tmpdir"))));
        assertNotEquals(temp, VectorFile.inTemp(dir.resolve("other/c.db"), col.id()),
                "two catalogues of one name do not share a file");
    }
}
