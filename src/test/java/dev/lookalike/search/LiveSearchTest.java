package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveSearchTest {

    @TempDir
    Path dir;

    private static void add(CatalogDb db, Collection c, String slug, float... v) {
        Product p = Product.of("https://shop/" + slug, slug, 10.0, "EUR", null, null, null, null);
        db.upsertProduct(p);
        byte[] bytes = slug.getBytes();
        String image = db.putImage(bytes, 1, 1, "png", null, null);
        db.saveVectors(c.id(), List.of(new NewVector(image, v, CatalogDb.md5(bytes), null)));
        db.linkImage(new ProductImage(p.id(), "https://shop/" + slug + ".png", image, null, 0));
    }

    private Path catalogue(Map<String, float[]> products) {
        Path file = dir.resolve("c.db");
        try (CatalogDb setup = CatalogDb.open(file)) {
            Collection c = setup.collection("fake", "fake");
            products.forEach((slug, v) -> add(setup, c, slug, v));
        }
        return file;
    }

    private static void await(LiveSearch live, VectorIndex idx) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!idx.hasLookalikes()) {
            assertTrue(System.nanoTime() < deadline, "the lookalike lists were never worked out");
            Thread.sleep(20);
        }
        assertTrue(live.index() == idx);
    }

    @Test
    void everyIndexGetsItsListsInTheBackgroundAndTheyServeSimilar() throws Exception {
        Path file = catalogue(Map.of("a", new float[] {1, 0}, "b", new float[] {0.9f, 0.1f}, "c", new float[] {0, 1}));
        try (LiveSearch live = LiveSearch.of(CatalogDb.open(file), new FakeClip(2, Map.of()), SearchService.Settings.DEFAULTS,
                new LiveSearch.Precompute(4, 100, Duration.ZERO))) {
            VectorIndex first = live.index();
            await(live, first);
            String a = Product.idFor("https://shop/a");
            assertEquals(List.of("b", "c"), names(live.service().similar(a, false, SearchFilter.NONE, 5, 0)));
            try (CatalogDb other = CatalogDb.open(file)) { // another process embeds more
                add(other, other.findCollection("fake").orElseThrow(), "a2", 1, 0.01f);
            }
            assertTrue(live.refresh());
            VectorIndex second = live.index();
            assertFalse(second == first);
            await(live, second);
            assertEquals(List.of("a2", "b", "c"), names(live.service().similar(a, false, SearchFilter.NONE, 5, 0)));
        }
    }

    @Test
    void noListsWhenTurnedOffOrTheCatalogueIsTooBig() throws Exception {
        Path file = catalogue(Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}));
        for (LiveSearch.Precompute off : List.of(LiveSearch.Precompute.OFF, new LiveSearch.Precompute(4, 1, Duration.ZERO))) {
            try (LiveSearch live = LiveSearch.of(CatalogDb.open(file), new FakeClip(2, Map.of()),
                    SearchService.Settings.DEFAULTS, off)) {
                Thread.sleep(200);
                assertFalse(live.index().hasLookalikes(), off.toString());
                assertEquals(1, live.service().similar(Product.idFor("https://shop/a"), false, SearchFilter.NONE, 5, 0).size());
            }
        }
    }

    @Test
    void aServerReplacesAnIndexWhoseVectorFileFailsTheLaterCheck() throws Exception {
        Map<String, float[]> products = new java.util.HashMap<>();
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 40; i++) {
            float[] v = new float[8];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            products.put("p" + i, dev.lookalike.embed.Vectors.normalize(v));
        }
        Path file = catalogue(products);
        Path vectors = dir.resolve("derived/c.vectors");
        // the floats in the file and no int8 copy: what a server of a million photos opens unchecked
        ScanSettings scan = new ScanSettings(ScanSettings.Pass.AUTO, 1, 10, false);
        LiveSearch.Indexer indexer = (db, c) -> VectorIndex.load(db, c, List.of(vectors), 0, scan, true);
        List<Match> want;
        try (CatalogDb db = CatalogDb.open(file)) {
            want = indexer.load(db, db.findCollection("fake").orElseThrow())
                    .search(products.get("p7"), SearchFilter.NONE, 10, 0);
        }
        StartFileTest.flip(vectors, VectorFile.HEADER + 4L * 8 * 20 + 2, 0x20);
        try (LiveSearch live = LiveSearch.of(CatalogDb.open(file), new FakeClip(8, Map.of()),
                SearchService.Settings.DEFAULTS, LiveSearch.Precompute.OFF, indexer)) {
            VectorIndex first = live.index();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (live.index() == first) {
                assertTrue(System.nanoTime() < deadline, "the damaged vector file was never found and replaced");
                Thread.sleep(20);
            }
            VectorIndex second = live.index();
            assertTrue(second.checkDerivedFile(), "the new index reads a rebuilt file");
            assertEquals(want, second.search(products.get("p7"), SearchFilter.NONE, 10, 0));
        }
    }

    private static List<String> names(List<Match> matches) {
        return matches.stream().map(m -> m.product().name()).toList();
    }
}
