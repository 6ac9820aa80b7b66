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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The precomputed lookalike lists answer exactly what a scan answers, on a catalogue with the awkward
 * cases: several photos per product, photos shared by two products, products without photos, prices in
 * two currencies and none, an odd vector length (SIMD body plus scalar tail).
 */
class LookalikesTest {

    static final int DIM = 70;

    @TempDir
    Path dir;

    CatalogDb db;
    VectorIndex idx;
    List<Product> withPhotos = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = CatalogDb.open(dir.resolve("c.db"));
        Collection col = db.collection("m", "m");
        Random rnd = new Random(42);
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            Double price = i % 13 == 0 ? null : 1 + rnd.nextInt(10_000) / 100.0;
            String currency = i % 7 == 0 ? "USD" : "EUR";
            Product p = Product.of("https://shop/" + i, "p" + i, price, currency, "brand" + (i % 3),
                    i % 2 == 0 ? "north" : "south", null, null);
            db.upsertProduct(p);
            if (i % 20 == 19) {
                continue; // no photo
            }
            withPhotos.add(p);
            int photos = 1 + rnd.nextInt(3);
            for (int k = 0; k < photos; k++) {
                String image;
                if (i % 10 == 3 && k == 0 && !images.isEmpty()) {
                    image = images.get(rnd.nextInt(images.size())); // the same photo as another product
                } else {
                    byte[] bytes = ("img" + i + "/" + k).getBytes();
                    image = db.putImage(bytes, 1, 1, "png", null, null);
                    float[] v = new float[DIM];
                    for (int d = 0; d < DIM; d++) {
                        v[d] = (float) rnd.nextGaussian();
                    }
                    db.saveVectors(col.id(), List.of(new NewVector(image, v, CatalogDb.md5(bytes), null)));
                    images.add(image);
                }
                db.linkImage(new ProductImage(p.id(), "https://shop/" + i + "/" + k, image, null, k));
            }
        }
        idx = VectorIndex.load(db, col);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private List<Match> scan(Product p, SearchFilter f, int n) {
        return idx.search(Vectors.normalize(idx.productVector(p.id()).orElseThrow()), f, n, 0);
    }

    private static List<String> describe(List<Match> matches) {
        return matches.stream().map(m -> m.product().id() + " " + m.imageId() + " " + m.score() + " " + m.saving())
                .toList();
    }

    @Test
    void listsAnswerExactlyWhatAScanAnswersWhateverTheFilter() {
        assertTrue(idx.precomputeLookalikes(15, () -> false));
        assertTrue(idx.hasLookalikes());
        for (Product p : withPhotos) {
            SearchFilter self = SearchFilter.NONE.excluding(p.id());
            List<SearchFilter> filters = new ArrayList<>(List.of(self,
                    new SearchFilter(null, null, "north", null, null, null, null, p.id()),
                    new SearchFilter(20.0, 60.0, null, "brand1", null, null, null, p.id())));
            if (p.price() != null) {
                filters.add(self.withCheaperThan(p.price(), p.currency(), p.id()));
            }
            for (SearchFilter f : filters) {
                for (int n : new int[] {1, 7, 16, 40}) {
                    assertEquals(describe(scan(p, f, n)), describe(idx.similar(p.id(), f, n)), p.name() + " " + f + " " + n);
                }
            }
        }
    }

    @Test
    void listsHoldingEveryProductNeverNeedAScan() {
        assertTrue(idx.precomputeLookalikes(withPhotos.size() + 5, () -> false));
        Product p = withPhotos.get(5);
        SearchFilter f = SearchFilter.NONE.excluding(p.id());
        assertEquals(withPhotos.size() - 1, idx.similar(p.id(), f, 1000).size());
        assertEquals(describe(scan(p, f, 1000)), describe(idx.similar(p.id(), f, 1000)));
    }

    @Test
    void stoppedWorkLeavesNoListsAndSearchStillWorks() {
        int[] asked = {0};
        assertFalse(idx.precomputeLookalikes(10, () -> ++asked[0] > 3));
        assertFalse(idx.hasLookalikes());
        Product p = withPhotos.get(0);
        SearchFilter f = SearchFilter.NONE.excluding(p.id());
        assertEquals(describe(scan(p, f, 5)), describe(idx.similar(p.id(), f, 5)));
    }

    @Test
    void aProductWithoutPhotoHasNoLookalikes() {
        assertTrue(idx.precomputeLookalikes(10, () -> false));
        String bare = Product.of("https://shop/19", "p19", null, null, null, null, null, null).id();
        assertThrows(IllegalArgumentException.class, () -> idx.similar(bare, SearchFilter.NONE.excluding(bare), 5));
        assertThrows(IllegalArgumentException.class, () -> idx.precomputeLookalikes(0, () -> false));
    }
}
