package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lookalike reindex} repairs a catalogue whose words index another tool dropped, as a user runs it. */
class ReindexIT {

    @TempDir
    Path work;

    @Test
    void reindexRebuildsADroppedWordsIndex() throws Exception {
        Path catalog = work.resolve("shop.db");
        String hoodie;
        try (CatalogDb db = CatalogDb.open(catalog)) {
            Product p = Product.of("https://shop.test/1", "Luma™ Hoodie", 40.0, "EUR", "Luma", "shop.test", null, "Tops");
            db.upsertProduct(p);
            db.upsertProduct(Product.of("https://shop.test/2", "Rose-gold watch", 90.0, "EUR", null, "shop.test", null, null));
            hoodie = p.id();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog); Statement st = c.createStatement()) {
            st.execute("DROP TABLE product_words");
        }
        try (CatalogDb db = CatalogDb.open(catalog)) {
            assertFalse(db.words().present());
        }

        App.Result r = App.run(work, "reindex", "--catalog", catalog.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("indexed 2 products"), r.lines());

        try (CatalogDb db = CatalogDb.open(catalog)) {
            assertTrue(db.words().present());
            assertEquals(List.of(hoodie), db.words().search(List.of("hoodies"), List.of(), List.of(), 10).stream()
                    .map(h -> h.productId()).toList());
            assertEquals(1, db.words().containingAny(List.of("rosegold")).size());
        }
    }

    @Test
    void aMissingCatalogueIsExitThreeAndNotCreated() throws Exception {
        App.Result r = App.run(work, "reindex", "--catalog", work.resolve("none.db").toString());
        assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.err());
        assertTrue(r.err().contains("does not exist"), r.err());
        assertFalse(work.resolve("none.db").toFile().exists());
    }
}
