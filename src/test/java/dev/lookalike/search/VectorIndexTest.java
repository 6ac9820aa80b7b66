package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index on a small real catalogue whose vectors are chosen by hand. */
class VectorIndexTest {

    @TempDir
    Path dir;

    CatalogDb db;
    Collection col;

    @BeforeEach
    void setUp() {
        db = CatalogDb.open(dir.resolve("c.db"));
        col = db.collection("m", "m");
    }

    private Product product(String slug, Double price, String currency, float[]... photos) {
        Product p = Product.of("https://shop/" + slug, slug, price, currency, "brand-" + slug.charAt(0), "shop", null, null);
        db.upsertProduct(p);
        int pos = 0;
        for (float[] v : photos) {
            byte[] bytes = (slug + pos).getBytes();
            String id = db.putImage(bytes, 1, 1, "png", null, null);
            db.saveVectors(col.id(), List.of(new NewVector(id, v, CatalogDb.md5(bytes), null)));
            db.linkImage(new ProductImage(p.id(), "https://shop/" + slug + "/" + pos, id, null, pos));
            pos++;
        }
        return p;
    }

    @Test
    void productsAppearOnceWithTheirBestPhoto() {
        Product a = product("a", 10.0, "EUR", new float[] {1, 0}, new float[] {0, 1});
        Product b = product("b", 5.0, "EUR", new float[] {0.8f, 0.6f});
        VectorIndex idx = VectorIndex.load(db, col);
        assertEquals(3, idx.size());
        List<Match> up = idx.search(new float[] {0, 1}, SearchFilter.NONE, 10, 0);
        assertEquals(2, up.size());
        assertEquals(a.id(), up.get(0).product().id());
        assertEquals(1.0f, up.get(0).score(), 1e-6);
        assertEquals(b.id(), up.get(1).product().id());
        assertEquals(0.6f, up.get(1).score(), 1e-6);
    }

    @Test
    void filtersApplyInsideTheScanAndPagingIsStable() {
        product("a", 10.0, "EUR", new float[] {1, 0});
        product("b", 20.0, "EUR", new float[] {0.9f, 0.1f});
        product("c", null, null, new float[] {0.8f, 0.2f});
        VectorIndex idx = VectorIndex.load(db, col);
        List<Match> cheap = idx.search(new float[] {1, 0}, SearchFilter.prices(null, 15.0), 10, 0);
        assertEquals(List.of("a"), cheap.stream().map(m -> m.product().name()).toList());
        List<Match> page2 = idx.search(new float[] {1, 0}, SearchFilter.NONE, 1, 1);
        assertEquals("b", page2.get(0).product().name());
        assertThrows(IllegalArgumentException.class, () -> SearchFilter.prices(5.0, 1.0));
    }

    @Test
    void cheaperNeverReturnsADearerProductAndShowsTheSaving() {
        Random rnd = new Random(7);
        List<Product> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            float[] v = {rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()};
            all.add(product("p" + i, (double) (1 + rnd.nextInt(100)), i % 10 == 0 ? "USD" : "EUR", v));
        }
        VectorIndex idx = VectorIndex.load(db, col);
        SearchService service = new SearchService(() -> idx, () -> null);
        for (Product p : all) {
            for (Match m : service.similar(p.id(), true, SearchFilter.NONE, 100, 0)) {
                assertTrue(m.product().price() < p.price(), m + " is not cheaper than " + p);
                assertEquals(p.currency(), m.product().currency());
                assertEquals(p.price() - m.product().price(), m.saving(), 0.005);
                assertTrue(!m.product().id().equals(p.id()));
            }
        }
    }

    @Test
    void similarExplainsWhatIsMissing() {
        Product a = product("a", null, null, new float[] {1, 0});
        VectorIndex idx = VectorIndex.load(db, col);
        SearchService service = new SearchService(() -> idx, () -> null);
        assertThrows(UnknownProductException.class, () -> service.similar("nope", false, SearchFilter.NONE, 5, 0));
        SearchException e = assertThrows(SearchException.class, () -> service.similar(a.id(), true, SearchFilter.NONE, 5, 0));
        assertTrue(e.getMessage().contains("no price"));
        assertThrows(SearchException.class, () -> service.similar(a.id(), false, SearchFilter.NONE, 0, 0));
    }

    @Test
    void largeIndexScansInParallelWithTheSameAnswer() {
        Random rnd = new Random(1);
        int n = 5000;
        int dim = 512;
        float[] matrix = new float[n * dim];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) rnd.nextGaussian();
        }
        Product[] products = new Product[n];
        int[][] rowProducts = new int[n][];
        int[][] productRows = new int[n][];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            float[] row = dev.lookalike.embed.Vectors.normalize(java.util.Arrays.copyOfRange(matrix, i * dim, i * dim + dim));
            System.arraycopy(row, 0, matrix, i * dim, dim);
            products[i] = Product.of("https://s/" + i, "p" + i, 1.0, "EUR", null, null, null, null);
            rowProducts[i] = new int[] {i};
            productRows[i] = new int[] {i};
            ids[i] = "img" + i;
        }
        VectorIndex idx = new VectorIndex(dim, matrix, ids, rowProducts, products, productRows);
        float[] q = java.util.Arrays.copyOfRange(matrix, 42 * dim, 43 * dim);
        List<Match> top = idx.search(q, SearchFilter.NONE, 5, 0);
        assertEquals("p42", top.get(0).product().name());
        // brute force agrees on the order
        float best2 = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (i == 42) {
                continue;
            }
            float s = dev.lookalike.embed.Vectors.dot(q, java.util.Arrays.copyOfRange(matrix, i * dim, i * dim + dim));
            best2 = Math.max(best2, s);
        }
        assertEquals(best2, top.get(1).score(), Math.abs(best2) * 1e-4);
    }
}
