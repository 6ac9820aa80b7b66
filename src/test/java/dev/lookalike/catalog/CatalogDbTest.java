package dev.lookalike.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogDbTest {

    @TempDir
    Path dir;

    @Test
    void newFileGetsEveryMigrationWalAndForeignKeys() throws Exception {
        Path file = dir.resolve("sub/folder/c.db");
        try (CatalogDb db = CatalogDb.open(file)) {
            assertEquals(CatalogDb.MIGRATIONS.size(), db.schemaVersion());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertEquals("wal", rs.getString(1));
            }
            for (String table : List.of("products", "images", "product_images", "collections", "embeddings",
                    "price_history", "image_data")) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name='" + table + "'")) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), table);
                }
            }
            // the exact columns LLM reads
            try (ResultSet rs = st.executeQuery("SELECT group_concat(name, ',') FROM pragma_table_info('embeddings')")) {
                rs.next();
                assertEquals("collection_id,id,embedding,content,content_blob,content_hash,metadata,updated",
                        rs.getString(1));
            }
        }
    }

    @Test
    void oldFileIsMigratedKeepingItsData() throws Exception {
        Path file = dir.resolve("old.db");
        // A catalogue written by a release that knew only the first migration.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE lookalike_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at INTEGER NOT NULL)");
            for (String sql : CatalogDb.splitStatements(new String(getClass()
                    .getResourceAsStream("/db/V001__catalogue.sql").readAllBytes()))) {
                st.execute(sql);
            }
            st.execute("INSERT INTO lookalike_migrations VALUES (1, 'V001__catalogue.sql', 0)");
            st.execute("INSERT INTO products(id, url, name, price) VALUES ('p1', 'https://shop/p1', 'Old tap', 12.5)");
        }
        try (CatalogDb db = CatalogDb.open(file)) {
            assertEquals(CatalogDb.MIGRATIONS.size(), db.schemaVersion());
            assertEquals("Old tap", db.product("p1").orElseThrow().name());
            Collection col = db.collection("m", "m");
            assertEquals(0, db.countVectors(col.id()));
        }
    }

    @Test
    void aClusteredV005FileKeepsItsStylesAndGainsTheProjectionTable() throws Exception {
        Path file = dir.resolve("v005.db");
        // A catalogue clustered by the release that knew migrations V001 to V005.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE lookalike_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at INTEGER NOT NULL)");
            for (int v = 1; v <= 5; v++) {
                String name = CatalogDb.MIGRATIONS.get(v - 1);
                for (String sql : CatalogDb.splitStatements(CatalogDb.readResource("/db/" + name))) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO lookalike_migrations VALUES (" + v + ", '" + name + "', 0)");
            }
            st.execute("INSERT INTO products(id, url, name, price) VALUES ('p1', 'https://shop/p1', 'Old tap', 12.5)");
            st.execute("INSERT INTO collections(id, name, model) VALUES (1, 'm', 'm')");
            st.execute("INSERT INTO clusters(id, collection_id, k, label, size, centroid, x, y, seed, created) "
                    + "VALUES (7, 1, 1, 'gold · curved', 1, x'0000803f', 0.5, -0.5, 42, 0)");
            st.execute("INSERT INTO product_clusters(product_id, cluster_id, distance, x, y) "
                    + "VALUES ('p1', 7, 0.25, 0.5, -0.5)");
        }
        try (CatalogDb db = CatalogDb.open(file)) {
            assertEquals(CatalogDb.MIGRATIONS.size(), db.schemaVersion());
            assertEquals("V006__cluster_projection.sql", CatalogDb.MIGRATIONS.get(5));
            assertEquals("gold · curved", db.clusters().clusters(1).get(0).label());
            assertEquals(List.of(new ClusterMember("p1", 7, 0.25, 0.5, -0.5, false)), db.clusters().placements(1),
                    "the full run's row, not incremental");
            assertTrue(db.clusters().projection(1).isEmpty(), "clustered before projections were kept");

            db.clusters().update(1, List.of(), List.of("p1"));
            assertEquals(0, db.clusters().clusters(1).get(0).size(), "the size is recounted");
            db.clusters().replace(1, 1, 42, List.of(new NewCluster("red", new float[] {1f}, 0, 0,
                    List.of(new NewCluster.Member("p1", 0, 0.1, 0.2)))),
                    new ClusterProjection(1, new float[] {0.5f}, new float[] {1f}, new float[] {0f}, 2.0, 1, 0));
            ClusterProjection p = db.clusters().projection(1).orElseThrow();
            assertArrayEquals(new float[] {0.5f}, p.mean());
            assertArrayEquals(new float[] {1f}, p.axisX());
            assertArrayEquals(new float[] {0f}, p.axisY());
            assertEquals(2.0, p.scale());
            assertEquals(1, p.products());
            long red = db.clusters().clusters(1).get(0).id();
            db.clusters().update(1, List.of(new ClusterMember("p1", red, 0.3, 0.4, 0.5, true)), List.of());
            assertEquals(List.of(new ClusterMember("p1", red, 0.3, 0.4, 0.5, true)), db.clusters().placements(1));
        }
    }

    @Test
    void migrationsSplitAtSemicolonsButKeepTriggerBodiesWhole() {
        String sql = """
                -- a comment
                CREATE TABLE t (a TEXT); -- trailing comment
                CREATE TRIGGER t_insert AFTER INSERT ON t BEGIN
                    INSERT INTO u VALUES (new.a);
                    DELETE FROM v;
                END;
                create temp trigger t_delete after delete on t begin delete from u; end;
                INSERT INTO t VALUES ('x');
                """;
        List<String> statements = CatalogDb.splitStatements(sql);
        assertEquals(4, statements.size(), statements.toString());
        assertEquals("CREATE TABLE t (a TEXT);", statements.get(0));
        assertTrue(statements.get(1).startsWith("CREATE TRIGGER") && statements.get(1).endsWith("END;"), statements.get(1));
        assertTrue(statements.get(1).contains("DELETE FROM v;"));
        assertTrue(statements.get(2).startsWith("create temp trigger"), statements.get(2));
    }

    @Test
    void anLlmDatabaseOpensAndKeepsItsVectors() throws Exception {
        Path file = dir.resolve("llm.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE [collections] ([id] INTEGER PRIMARY KEY, [name] TEXT, [model] TEXT)");
            st.execute("CREATE UNIQUE INDEX [idx_collections_name] ON [collections] ([name])");
            st.execute("CREATE TABLE \"embeddings\" ([collection_id] INTEGER REFERENCES [collections]([id]), [id] TEXT, "
                    + "[embedding] BLOB, [content] TEXT, [content_blob] BLOB, [content_hash] BLOB, [metadata] TEXT, "
                    + "[updated] INTEGER, PRIMARY KEY ([collection_id], [id]))");
            st.execute("INSERT INTO collections VALUES (1, 'photos', 'clip')");
            st.execute("INSERT INTO embeddings(collection_id, id, embedding) VALUES (1, 'a', x'0000803f')");
        }
        try (CatalogDb db = CatalogDb.open(file)) {
            Collection col = db.findCollection("photos").orElseThrow();
            assertArrayEquals(new float[] {1f}, db.vector(col.id(), "a").orElseThrow());
        }
    }

    @Test
    void notADatabaseSaysSo() throws Exception {
        Path file = dir.resolve("junk.db");
        Files.writeString(file, "this is not sqlite, just text that is long enough to fill a header page. ".repeat(20));
        CatalogException e = assertThrows(CatalogException.class, () -> CatalogDb.open(file));
        assertTrue(e.getMessage().contains("not a SQLite database"), e.getMessage());
    }

    @Test
    void readOnlyOpenNeverWrites() throws Exception {
        Path file = dir.resolve("ro.db");
        try (CatalogDb db = CatalogDb.open(file)) {
            db.upsertProduct(Product.of("https://s/1", "One", 1.0, "USD", null, "s", null, null));
        }
        // fold the WAL into the main file, as a baked catalogue would be shipped
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            st.execute("PRAGMA journal_mode=DELETE");
        }
        assertTrue(file.toFile().setReadOnly());
        try (CatalogDb db = CatalogDb.openReadOnly(file)) {
            assertEquals(1, db.products().size());
            assertThrows(CatalogException.class,
                    () -> db.upsertProduct(Product.of("https://s/2", "Two", 1.0, "USD", null, "s", null, null)));
        }
        assertFalse(Files.exists(dir.resolve("ro.db-wal")));
    }

    @Test
    void bakedCopyIsOneReadOnlyFileWithEverything() throws Exception {
        Path file = dir.resolve("live.db");
        Path baked = dir.resolve("baked.db");
        try (CatalogDb db = CatalogDb.open(file)) {
            db.upsertProduct(Product.of("https://s/1", "One", 1.0, "USD", null, "s", null, null));
            String img = db.putImage(new byte[] {9, 9}, 1, 1, "png", null, null);
            Collection c = db.collection("m", "m");
            db.saveVectors(c.id(), List.of(new NewVector(img, new float[] {1, 0}, CatalogDb.md5(new byte[] {9, 9}), null)));
            db.bakeTo(baked);
            assertThrows(CatalogException.class, () -> db.bakeTo(baked));
        }
        assertTrue(baked.toFile().setReadOnly());
        try (CatalogDb db = CatalogDb.openReadOnly(baked)) {
            assertEquals(1, db.products().size());
            assertEquals(1, db.countVectors(db.findCollection("m").orElseThrow().id()));
        }
        assertFalse(Files.exists(dir.resolve("baked.db-wal")));
    }

    @Test
    void upsertKeepsIdAndRecordsPriceHistory() throws Exception {
        try (CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            Product a = Product.of("https://s/tap", "Tap", 100.0, "EUR", "Brand", "s", null, null);
            assertTrue(db.upsertProduct(a));
            assertFalse(db.upsertProduct(a));
            Product cheaper = Product.of("https://s/tap", "Tap", 80.0, "EUR", "Brand", "s", null, null);
            assertEquals(a.id(), cheaper.id());
            assertTrue(db.upsertProduct(cheaper));
            assertEquals(80.0, db.product(a.id()).orElseThrow().price());
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("c.db"));
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT group_concat(price, ',') FROM "
                         + "(SELECT price FROM price_history ORDER BY rowid)")) {
                rs.next();
                assertEquals("100.0,80.0", rs.getString(1));
            }
        }
    }

    @Test
    void sameBytesAreStoredOnceAndVectorsRoundTrip() {
        try (CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            byte[] bytes = {1, 2, 3};
            String id = db.putImage(bytes, 1, 1, "png", null, null);
            assertEquals(id, db.putImage(bytes, 1, 1, "png", null, null));
            assertEquals(64, id.length());
            assertEquals(1, db.countImages());
            Collection col = db.collection("tiny", "tiny");
            assertEquals(1, db.countPending(col.id()));
            float[] v = {0.6f, -0.8f};
            db.saveVectors(col.id(), List.of(new NewVector(id, v, CatalogDb.md5(bytes), null)));
            assertEquals(0, db.countPending(col.id()));
            assertArrayEquals(v, db.vector(col.id(), id).orElseThrow());
            // little-endian float32, as LLM writes
            assertArrayEquals(new byte[] {0, 0, -128, 63}, CatalogDb.encode(new float[] {1f}));
        }
    }
}
