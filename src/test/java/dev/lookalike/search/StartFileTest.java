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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start file: a warm load takes the products, their photo rows and the first pass's codes from it instead
 * of the catalogue, answers exactly what a load from the catalogue answers, follows every change of the three
 * tables it is made from, and is written again when damaged; a vector file opened without reading its rows is
 * checked later, and a damaged one deleted so the next load rebuilds it.
 */
class StartFileTest {

    static final int DIM = 48;
    /** The first pass on at this size, without the int8 copy: a server of a million photos in small. */
    static final ScanSettings FIRST_PASS = new ScanSettings(ScanSettings.Pass.AUTO, 100, 60, false);

    @TempDir
    Path dir;

    CatalogDb db;
    Collection col;
    Path vectors;
    Random rnd = new Random(7);
    float[][] looks = new float[6][];

    @BeforeEach
    void setUp() {
        db = CatalogDb.open(dir.resolve("c.db"));
        col = db.collection("m", "m");
        vectors = dir.resolve("derived/c.vectors");
        for (int c = 0; c < looks.length; c++) {
            looks[c] = gaussian(1);
        }
        List<NewVector> vs = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Product p = Product.of("https://shop/" + i, "item " + i, i % 9 == 0 ? null : 5.0 + i,
                    i % 4 == 0 ? "USD" : "EUR", "brand" + i % 5, i % 2 == 0 ? "north" : "south",
                    "described " + i, i % 3 == 0 ? "lamps" : null);
            db.upsertProduct(p);
            if (i % 41 == 40) {
                continue; // no photo
            }
            for (int k = 0; k < (i % 7 == 0 ? 3 : 1); k++) {
                String image;
                if (i % 13 == 4 && k == 0 && !images.isEmpty()) {
                    image = images.get(rnd.nextInt(images.size())); // a photo two products show
                } else {
                    byte[] bytes = ("img" + i + "/" + k).getBytes();
                    image = db.putImage(bytes, 1, 1, "png", null, null);
                    vs.add(new NewVector(image, near(looks[rnd.nextInt(looks.length)]), CatalogDb.md5(bytes), null));
                    images.add(image);
                }
                // positions out of insertion order, so that shop order is not id order
                db.linkImage(new ProductImage(p.id(), "https://shop/" + i + "/" + k, image, null, 2 - k));
            }
        }
        db.saveVectors(col.id(), vs);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private float[] gaussian(float sigma) {
        return gaussian(rnd, sigma);
    }

    private static float[] gaussian(Random r, float sigma) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) r.nextGaussian() * sigma;
        }
        return v;
    }

    private float[] near(float[] look) {
        return near(rnd, look);
    }

    private static float[] near(Random r, float[] look) {
        float[] v = gaussian(r, 0.4f);
        for (int d = 0; d < DIM; d++) {
            v[d] += look[d];
        }
        return Vectors.normalize(v);
    }

    private VectorIndex load(boolean checkLater) {
        return VectorIndex.load(db, col, List.of(vectors), 0, FIRST_PASS, checkLater);
    }

    /** Flips the bits of {@code mask} in the byte at {@code at}: damage that leaves the file's size alone. */
    static void flip(Path file, long at, int mask) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ mask);
        }
    }

    private static Object identity(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
    }

    /** What a shopper would see of an index: searches with and without filters, similar, photos, counts. */
    private List<Object> answers(VectorIndex idx) {
        Random q = new Random(11);
        List<Object> out = new ArrayList<>();
        out.add(idx.productTotal());
        out.add(idx.productCount());
        out.add(idx.size());
        out.add(idx.approximatesTop());
        for (Product p : idx.productsWithPhotos()) {
            out.add(p);
            out.add(idx.imageOf(p.id()).orElseThrow());
        }
        List<SearchFilter> filters = List.of(SearchFilter.NONE, SearchFilter.prices(100.0, 250.0),
                new SearchFilter(null, null, "north", null, null, null, null, null),
                SearchFilter.NONE.withCheaperThan(120.0, "EUR", null));
        for (int trial = 0; trial < 24; trial++) {
            float[] query = near(q, looks[q.nextInt(looks.length)]);
            out.add(idx.search(query, filters.get(trial % filters.size()), 15, trial % 3));
        }
        String some = Product.idFor("https://shop/21");
        out.add(idx.similar(some, SearchFilter.NONE, 10));
        return out;
    }

    /** A load from the catalogue alone: a vector file of its own, nothing else derived yet. */
    private VectorIndex fromCatalogue() {
        Path fresh = dir.resolve("fresh-" + rnd.nextInt(1 << 30) + "/c.vectors");
        return VectorIndex.load(db, col, List.of(fresh), 0, FIRST_PASS, false);
    }

    /** Equal answers, the first difference named (the lists are long). */
    private static void assertSameAnswers(List<Object> want, List<Object> got, String what) {
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            if (!want.get(i).equals(got.get(i))) {
                String w = String.valueOf(want.get(i));
                String g = String.valueOf(got.get(i));
                int at = 0;
                while (at < Math.min(w.length(), g.length()) && w.charAt(at) == g.charAt(at)) {
                    at++;
                }
                int from = Math.max(0, at - 150);
                throw new AssertionError(what + ": answer " + i + " differs at character " + at + ": expected …"
                        + w.substring(from, Math.min(w.length(), at + 150)) + "… but got …"
                        + g.substring(from, Math.min(g.length(), at + 150)) + "…");
            }
        }
        assertEquals(want.size(), got.size(), what + ": number of answers");
    }

    @Test
    void aWarmLoadTakesTheProductsFromTheStartFileAndAnswersAsTheCatalogue() throws Exception {
        VectorIndex cold = load(true);
        Path start = StartFile.of(vectors);
        assertTrue(Files.isRegularFile(start), "a full load writes the start file");
        assertTrue(cold.approximatesTop(), "the first pass is on, its codes in the start file");
        Object written = identity(start);
        List<Object> want = answers(cold);
        assertSameAnswers(want, answers(fromCatalogue()), "the same as a load from the catalogue");

        VectorIndex warm = load(true);
        assertSameAnswers(want, answers(warm), "warm");
        assertEquals(written, identity(start), "a current start file is read, not written again");

        // proof that the products came from the file: a rename the change tokens are not told of goes unseen
        String renamed = Product.idFor("https://shop/3");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file());
             Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER change_tokens_products_update");
            st.execute("UPDATE products SET name = 'renamed behind its back' WHERE id = '" + renamed + "'");
        }
        assertEquals("item 3", load(true).product(renamed).orElseThrow().name());
    }

    private static List<Integer> groups(VectorIndex idx) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < idx.productTotal(); p++) {
            out.add(idx.sameItems().groupOf(p));
        }
        return out;
    }

    @Test
    void theSameItemGroupsAreKeptOnceWorkedOut() throws IOException {
        VectorIndex cold = load(true);
        assertFalse(cold.hasSameItems());
        List<Integer> want = groups(cold);
        assertTrue(want.stream().distinct().count() < cold.productTotal(), "shared photos make groups of several");
        VectorIndex warm = load(true);
        assertTrue(warm.hasSameItems(), "the groups come with the start file, not worked out again");
        assertEquals(want, groups(warm));
        assertEquals(groups(fromCatalogue()), groups(warm));
    }

    @Test
    void everyChangeOfProductsPhotosOrVectorsMakesTheStartFileStale() throws IOException {
        load(false);
        Path start = StartFile.of(vectors);

        Object before = identity(start);
        Product p = Product.of("https://shop/5", "item 5 in gold", 9.0, "EUR", "brand0", "north", "described", null);
        db.upsertProduct(p);
        VectorIndex renamed = load(false);
        assertEquals("item 5 in gold", renamed.product(p.id()).orElseThrow().name());
        assertEquals(9.0, renamed.product(p.id()).orElseThrow().price());
        assertNotEquals(before, identity(start), "a product changed: the start file is written again");
        assertSameAnswers(answers(fromCatalogue()), answers(renamed), "renamed");

        before = identity(start);
        String other = Product.idFor("https://shop/6");
        String photo = renamed.imageOf(Product.idFor("https://shop/8")).orElseThrow();
        db.linkImage(new ProductImage(other, "https://shop/8/shared", photo, null, -1));
        VectorIndex linked = load(false);
        assertEquals(photo, linked.imageOf(other).orElseThrow(), "the new first photo of product 6");
        assertNotEquals(before, identity(start), "a photo linked: the start file is written again");

        before = identity(start);
        Object vectorFile = identity(vectors);
        byte[] bytes = "one more".getBytes();
        String image = db.putImage(bytes, 1, 1, "png", null, null);
        db.saveVectors(col.id(), List.of(new NewVector(image, near(looks[0]), CatalogDb.md5(bytes), null)));
        db.linkImage(new ProductImage(other, "https://shop/6/new", image, null, -2));
        VectorIndex embedded = load(false);
        assertEquals(linked.size() + 1, embedded.size());
        assertEquals(image, embedded.imageOf(other).orElseThrow());
        assertNotEquals(before, identity(start));
        assertNotEquals(vectorFile, identity(vectors), "a vector added: the vector file is written again too");
        assertSameAnswers(answers(fromCatalogue()), answers(embedded), "embedded");
    }

    @Test
    void aProductChangeLeavesTheVectorFileAsItIs() throws IOException {
        load(false);
        Object vectorFile = identity(vectors);
        db.upsertProduct(Product.of("https://shop/5", "item 5 renamed", 9.0, "EUR", null, null, null, null));
        VectorIndex idx = load(false);
        assertEquals("item 5 renamed", idx.product(Product.idFor("https://shop/5")).orElseThrow().name());
        assertEquals(vectorFile, identity(vectors), "the vectors did not change: their file is kept");
    }

    @Test
    void aDamagedOrTruncatedStartFileIsIgnoredAndWrittenAgain() throws IOException {
        List<Object> want = answers(load(false));
        Path start = StartFile.of(vectors);
        long size = Files.size(start);
        for (long at : new long[] {size / 3, size - 6, 45}) {
            flip(start, at, 0x04);
            assertNull(StartFile.read(start, startStampOf(start)), "flipped at " + at + ": the checksum fails");
            assertSameAnswers(want, answers(load(false)), "flipped at " + at);
            assertNotNull(StartFile.read(start, startStampOf(start)), "written again after byte " + at);
        }
        try (RandomAccessFile raf = new RandomAccessFile(start.toFile(), "rw")) {
            raf.setLength(size / 2);
        }
        assertSameAnswers(want, answers(load(false)), "truncated");
        assertEquals(size, Files.size(start), "written again whole");
    }

    /** The stamp a start file carries (bytes 8 to 40), to read it back as the loader would. */
    private static byte[] startStampOf(Path start) throws IOException {
        byte[] all = Files.readAllBytes(start);
        return java.util.Arrays.copyOfRange(all, 8, 40);
    }

    private static void assertNull(Object o, String message) {
        assertEquals(null, o, message);
    }

    @Test
    void aVectorFileOpenedUncheckedIsCheckedLaterAndRebuiltWhenDamaged() throws IOException {
        List<Object> want = answers(load(true));
        // one flipped bit deep in the rows: size, header and stamp still match
        flip(vectors, VectorFile.HEADER + 4L * DIM * 200 + 9, 0x40);
        VectorIndex unchecked = load(true);
        assertFalse(unchecked.checkDerivedFile(), "the later check reads the rows and finds the damage");
        assertFalse(Files.exists(vectors), "the damaged file is deleted");
        assertFalse(Files.exists(StartFile.of(vectors)), "and its start file with it");
        VectorIndex rebuilt = load(true);
        assertTrue(rebuilt.checkDerivedFile());
        assertSameAnswers(want, answers(rebuilt), "rebuilt");

        // checked at once without checkLater: the damage is found before the index is made
        flip(vectors, VectorFile.HEADER + 17, 0x01);
        Object damaged = identity(vectors);
        assertSameAnswers(want, answers(load(false)), "checked at once");
        assertNotEquals(damaged, identity(vectors), "rebuilt during the load");
    }

    @Test
    void changeTokensMoveWithEveryWriteOfTheirTable() throws SQLException {
        var before = db.changeTokens();
        assertEquals(before, db.changeTokens(), "reading changes nothing");
        db.upsertProduct(Product.of("https://shop/new", "new", 1.0, "EUR", null, null, null, null));
        var afterProduct = db.changeTokens();
        assertNotEquals(before.products(), afterProduct.products());
        assertEquals(before.productImages(), afterProduct.productImages());
        assertEquals(before.embeddings(), afterProduct.embeddings());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file());
             Statement st = c.createStatement()) {
            // another writer (LLM on the embeddings table): the triggers see it too
            st.execute("DELETE FROM embeddings WHERE rowid = (SELECT min(rowid) FROM embeddings)");
        }
        var afterDelete = db.changeTokens();
        assertNotEquals(afterProduct.embeddings(), afterDelete.embeddings());
        assertEquals(afterProduct.products(), afterDelete.products());
    }
}
