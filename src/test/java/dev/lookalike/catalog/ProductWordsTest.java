package dev.lookalike.catalog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProductWordsTest {

    @TempDir
    Path dir;

    CatalogDb db;
    ProductWords words;

    @BeforeEach
    void open() {
        db = CatalogDb.open(dir.resolve("c.db"));
        words = db.words();
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** What the tests ask: the FTS5 index itself here, its copy in memory in {@link WordIndexTest}. */
    WordSearch ask() {
        return words;
    }

    /** Stores a product of shop "s" (brand, description, category may be null) and returns its id. */
    String add(String slug, String name, String brand, String description, String category) {
        Product p = Product.of("https://s.test/" + slug, name, 10.0, "EUR", brand, "s", description, category);
        db.upsertProduct(p);
        return p.id();
    }

    String add(String slug, String name) {
        return add(slug, name, null, null, null);
    }

    List<String> find(String... wanted) {
        return ids(ask().search(List.of(wanted), List.of(), List.of(), 50));
    }

    static List<String> ids(List<WordHit> hits) {
        return hits.stream().map(WordHit::productId).toList();
    }

    /** FTS5's own check of the index against the products it was built from (rank 1: external content too). */
    void assertIndexInStep() throws SQLException {
        try (Statement st = db.connection().createStatement()) {
            st.execute("INSERT INTO product_words(product_words, rank) VALUES ('integrity-check', 1)");
        }
    }

    void sql(String statement) throws SQLException {
        try (Statement st = db.connection().createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void sqliteJdbcShipsFts5() throws SQLException {
        try (Statement st = db.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT sqlite_compileoption_used('ENABLE_FTS5')")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(words.present());
    }

    @Test
    void caseAndDiacriticsFold() {
        String cafe = add("cafe", "Café au lait bowl");
        String plain = add("plain", "cafe chair");
        String unit = add("unit", "ÅNGSTRÖM lamp");
        assertEquals(Set.of(cafe, plain), Set.copyOf(find("cafe")));
        assertEquals(Set.of(cafe, plain), Set.copyOf(find("CAFÉ")));
        assertEquals(List.of(unit), find("angstrom"));
        assertEquals(List.of(unit), find("Ångström"));
    }

    @Test
    void trademarkSignsAreNotPartOfTheWord() {
        String hoodie = add("hoodie", "Luma™ Hoodie");
        String tee = add("tee", "Tee", "Luma®", null, null);
        String lamp = add("lamp", "Lamp", null, "by Luma© of Oslo", null);
        assertEquals(Set.of(hoodie, tee, lamp), Set.copyOf(find("luma")));
        assertEquals(Set.of(hoodie, tee, lamp), Set.copyOf(find("Luma™")));
    }

    @Test
    void hyphenatedWordsAreFoundWholeSplitAndJoined() {
        String tee = add("tee", "Luma T-Shirt");
        String watch = add("watch", "Watch", null, null, "rose-gold");
        String other = add("other", "Plain shirt");
        String unicode = add("unicode", "Organic T\u2010Shirt"); // U+2010 HYPHEN
        for (String q : List.of("t-shirt", "t shirt", "tshirt", "TShirt")) {
            assertEquals(Set.of(tee, unicode), Set.copyOf(find(q)), q);
        }
        assertEquals(Set.of(tee, unicode, other), Set.copyOf(find("shirt")));
        assertEquals(List.of(watch), find("rose-gold"));
        assertEquals(List.of(watch), find("rosegold"));
        assertEquals(List.of(watch), find("rose gold"));
        assertEquals(List.of(tee), find("luma tshirt"), "a phrase across the joined form");
    }

    @Test
    void porterFindsEnglishPluralsBothWays() {
        String hoodie = add("hoodie", "Luma Hoodie");
        String jackets = add("jackets", "Rain jackets");
        String dress = add("dress", "Summer dress");
        add("hood", "Hood", null, "a hood", null);
        assertEquals(List.of(hoodie), find("hoodies"));
        assertEquals(List.of(jackets), find("jacket"));
        assertEquals(List.of(dress), find("dresses"));
        assertEquals(List.of(hoodie), find("hoodie"), "the hood is another word");
    }

    @Test
    void removedProductsAreNeverFound() throws SQLException {
        String gone = add("gone", "Old kettle");
        String kept = add("kept", "New kettle");
        new CrawlStore(db).setExtras(gone, null, "K-1");
        db.markRemovedNotSeenSince("s", CatalogDb.now() + 10);
        db.upsertProduct(db.product(kept).orElseThrow()); // seen again: back
        assertEquals(List.of(kept), find("kettle"));
        assertEquals(Set.of(kept), ask().containingAny(List.of("kettle")));
        assertEquals(Set.of(kept), ask().containingAll(List.of("kettle")));
        assertEquals(List.of(), ask().exact("K-1"));
        assertEquals(List.of(), ask().exact("old kettle"));
        assertEquals(Set.of(kept), ask().explain(List.of("kettle"), List.of(gone, kept)).keySet());
        assertIndexInStep();
        new CrawlStore(db).setExtras(gone, null, "K-2"); // a removed product's text may change too
        db.upsertProduct(db.product(gone).orElseThrow());
        assertEquals(Set.of(gone, kept), Set.copyOf(find("kettle")), "a product seen again comes back");
        assertEquals(List.of(gone), ask().exact("k2"));
        assertIndexInStep();
    }

    @Test
    void everyWritePathKeepsTheIndexInStep() throws SQLException {
        // hyphens (ASCII and U+2010) in every joined field, so that the joined forms are written and deleted too
        String id = add("tap", "Brass mixer\u2010tap", "Acme-Co", "A brass tap", "Kitchen-Bath");
        assertEquals(List.of(id), find("brass"));
        assertEquals(List.of(id), find("mixertap"));
        assertEquals(List.of(id), find("acmeco"));
        assertIndexInStep();
        // upsert of the same URL: renamed in place
        db.upsertProduct(Product.of("https://s.test/tap", "Copper faucet", 10.0, "EUR", "Acme", "s", "A copper faucet",
                "Kitchen"));
        assertEquals(List.of(), find("brass"));
        assertEquals(List.of(), find("mixertap"));
        assertEquals(List.of(), find("acmeco"));
        assertEquals(List.of(id), find("copper"));
        assertIndexInStep();
        // the crawler's SKU
        CrawlStore crawl = new CrawlStore(db);
        crawl.setExtras(id, "InStock", "CF-100");
        assertEquals(List.of(id), find("cf100"));
        crawl.setExtras(id, "InStock", "ZZ-9");
        assertEquals(List.of(), find("cf100"));
        assertEquals(List.of(id), find("zz-9"));
        assertIndexInStep();
        // an upsert that changes nothing indexed (price, last_seen) leaves the index alone, and in step
        db.upsertProduct(Product.of("https://s.test/tap", "Copper faucet", 12.0, "EUR", "Acme", "s", "A copper faucet",
                "Kitchen"));
        assertEquals(List.of(id), find("copper"));
        assertIndexInStep();
        // other tools: plain SQL, REPLACE (recursive_triggers), DELETE
        sql("UPDATE products SET brand = 'Zenith', category = NULL WHERE id = '" + id + "'");
        assertEquals(List.of(id), find("zenith"));
        assertEquals(List.of(), find("acme"));
        assertEquals(List.of(), find("kitchen"));
        assertIndexInStep();
        sql("INSERT OR REPLACE INTO products(id, url, name, shop) VALUES ('" + id + "', 'https://s.test/tap', "
                + "'Steel sink', 's')");
        assertEquals(List.of(id), find("sink"));
        assertEquals(List.of(), find("copper"));
        assertIndexInStep();
        sql("DELETE FROM products WHERE id = '" + id + "'");
        assertEquals(List.of(), find("sink"));
        assertIndexInStep();
        assertEquals(0, words.rebuild());
    }

    @Test
    void requiredPhrasesMustStandTogether() {
        String bronze = add("bronze", "Oil Rubbed Bronze Faucet");
        add("loose", "Rubbed faucet", null, "with oil", null);
        String plain = add("plain", "Chrome faucet");
        assertEquals(Set.of(bronze), Set.copyOf(ids(ask().search(List.of("oil rubbed", "faucet"), List.of("oil rubbed"),
                List.of(), 10))));
        assertEquals(3, find("oil rubbed", "faucet").size(), "without the requirement any word will do");
        assertEquals(Set.of(bronze), ask().containingAll(List.of("oil rubbed", "faucet")));
        assertEquals(Set.of(bronze, plain), Set.copyOf(ids(ask().search(List.of("faucet"), List.of("™", "*"),
                List.of("with oil"), 10))), "requirements without words constrain nothing");
        assertEquals(3, ask().containingAll(List.of("\"")).size(), "no words: every live product");
    }

    @Test
    void unwantedWordsAndPhrasesLeaveProductsOut() {
        String chrome = add("chrome", "Chrome faucet");
        String nickel = add("nickel", "Faucet", null, "brushed nickel finish", null);
        String gold = add("gold", "Gold faucet", null, "nickel free", null);
        assertEquals(Set.of(nickel, gold), Set.copyOf(ids(ask().search(List.of("faucet"), List.of(), List.of("chrome"), 10))));
        assertEquals(Set.of(chrome, gold), Set.copyOf(ids(ask().search(List.of("faucet"), List.of(),
                List.of("brushed nickel"), 10))));
        assertEquals(Set.of(chrome), Set.copyOf(ids(ask().search(List.of("faucet"), List.of(), List.of("nickel", "gold"), 10))));
        assertEquals(Set.of(nickel, gold), ask().containingAny(List.of("nickel", "*")));
        assertEquals(Set.of(), ask().containingAny(List.of("™", "")));
    }

    @Test
    void aNameHitOutranksADescriptionHitAndASkuHitOutranksBoth() {
        String described = add("described", "Winter coat", null, "pairs well with a hoodie", null);
        String named = add("named", "Grey hoodie", null, "warm and soft", null);
        String coded = add("coded", "Jumper", null, "warm", null);
        new CrawlStore(db).setExtras(coded, null, "HOODIE");
        List<WordHit> hits = ask().search(List.of("hoodie"), List.of(), List.of(), 10);
        assertEquals(List.of(coded, named, described), ids(hits));
        assertTrue(hits.get(0).score() > hits.get(1).score() && hits.get(1).score() > hits.get(2).score(), hits.toString());
        assertTrue(hits.get(2).score() > 0);
        assertEquals(List.of(coded), ids(ask().search(List.of("hoodie"), List.of(), List.of(), 1)), "limit");
        assertThrows(IllegalArgumentException.class, () -> ask().search(List.of("hoodie"), List.of(), List.of(), 0));
    }

    @Test
    void aHyphenatedNameCountsItsWordsOnce() {
        String hyphen = add("hyphen", "Luma T-Shirt");
        String spaced = add("spaced", "Luma T Shirt");
        add("other", "Other", null, "luma", null);
        for (int i = 0; i < 6; i++) {
            add("filler" + i, "Lamp " + i); // so that luma is a rare word and BM25 weighs it
        }
        Map<String, Double> score = new java.util.HashMap<>();
        for (WordHit h : ask().search(List.of("luma"), List.of(), List.of(), 10)) {
            score.put(h.productId(), h.score());
        }
        // its joined form (Luma TShirt) also holds Luma, yet only the name counts
        assertTrue(score.get(hyphen) <= score.get(spaced), score.toString());
    }

    @Test
    void exactMatchesASkuOrAWholeName() {
        String tee = add("tee", "Luma™ T-Shirt");
        String longer = add("longer", "Luma T-Shirt Dress");
        String bag = add("bag", "Bag");
        new CrawlStore(db).setExtras(bag, null, "MH01-XS");
        new CrawlStore(db).setExtras(longer, null, "luma tshirt");
        for (String q : List.of("mh01-xs", "MH01 XS", "mh01xs", " MH01-XS ")) {
            assertEquals(List.of(bag), ask().exact(q), q);
        }
        assertEquals(List.of(longer, tee), ask().exact("luma tshirt"), "the SKU first, then the name");
        for (String q : List.of("LUMA T SHIRT", "luma t-shirt", "Luma™  T‐Shirt", "lúma t-shirt")) {
            assertTrue(ask().exact(q).contains(tee), q);
        }
        assertEquals(List.of(), ask().exact("luma"));
        assertEquals(List.of(), ask().exact("t-shirt"));
        assertEquals(List.of(), ask().exact("™"));
        assertEquals(List.of(), ask().exact(""));
        assertEquals(List.of(), ask().exact("lumatshirt"));
    }

    @Test
    void explainNamesTheFieldsAndTheWordsAsWritten() {
        String hoodie = add("hoodie", "Luma Hoodie", "Luma", "A hoodie for cold days", "Tops");
        String tee = add("tee", "Luma T-Shirt");
        String faucet = add("faucet", "Oil Rubbed Bronze Faucet");
        new CrawlStore(db).setExtras(faucet, null, "ORB-1");
        String unrelated = add("unrelated", "Lamp");
        Map<String, WordMatch> m = ask().explain(List.of("hoodies", "luma"), List.of(hoodie, unrelated, "nope"));
        assertEquals(Map.of(hoodie, new WordMatch(List.of("name", "brand", "description"), List.of("Hoodie", "Luma"))), m);
        assertEquals(new WordMatch(List.of("name"), List.of("T-Shirt")),
                ask().explain(List.of("tshirt"), List.of(tee)).get(tee));
        assertEquals(new WordMatch(List.of("name"), List.of("T-Shirt", "Luma")),
                ask().explain(List.of("t-shirt", "luma", "LUMA"), List.of(tee)).get(tee));
        assertEquals(new WordMatch(List.of("name", "sku"), List.of("Oil Rubbed", "ORB-1")),
                ask().explain(List.of("oil rubbed", "orb1"), List.of(faucet)).get(faucet));
        assertEquals(List.of(tee, hoodie), List.copyOf(ask().explain(List.of("luma"), List.of(tee, hoodie)).keySet()),
                "in the order asked");
        assertEquals(Map.of(), ask().explain(List.of("*"), List.of(tee)));
        // what search finds, explain explains
        List<String> found = ids(ask().search(List.of("luma", "bronze"), List.of(), List.of(), 10));
        assertEquals(Set.copyOf(found), ask().explain(List.of("luma", "bronze"), found).keySet());
    }

    @Test
    void userTextNeverBecomesQuerySyntax() {
        String foo = add("foo", "foo");
        String red = add("red", "Red kettle");
        String hoodie = add("hoodie", "Luma Hoodie");
        String not = add("not", "Do not disturb sign");
        add("name", "name foo bar");
        List<String> nasty = new ArrayList<>(List.of("\"", "\"\"", "*", "name:foo", "NOT", "a OR b", "(", ")", "'; DROP TABLE products; --",
                "😀", "hood*", "^luma", "NEAR(red kettle)", "red AND", "OR", "{name}: foo", "-", "+", "foo\u0000bar", "\\",
                "red\" OR \"luma", "x".repeat(500), "luma ".repeat(100), "\u200b", "\ud83d"));
        for (String q : nasty) {
            List<String> one = List.of(q);
            ask().search(one, one, one, 10);
            ask().search(one, List.of(), List.of(), 10);
            ask().containingAll(one);
            ask().containingAny(one);
            ask().explain(one, List.of(foo, red));
            ask().exact(q);
        }
        assertEquals(Set.of("name foo bar"), names(find("name:foo")), "no column filter: the words name and foo");
        assertEquals(List.of(), find("red OR luma"), "OR is a word of the phrase");
        assertEquals(List.of(), find("red\" OR \"luma"), "a quote cannot close the string");
        assertEquals(List.of(), find("hood*"), "no prefix queries");
        assertEquals(List.of(not), find("NOT"));
        assertEquals(List.of(hoodie), find("^luma"));
        assertEquals(List.of(), find("*", "(", "😀"));
        assertEquals(5, db.products().size(), "the products are all still there");
        assertTrue(find("red").contains(red));
    }

    Set<String> names(List<String> ids) {
        Set<String> out = new java.util.HashSet<>();
        for (String id : ids) {
            out.add(db.product(id).orElseThrow().name());
        }
        return out;
    }

    @Test
    void aReadOnlyCatalogueCanSearchButNotRebuild() throws Exception {
        String tee = add("tee", "Luma T-Shirt");
        db.close();
        Path file = dir.resolve("c.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            st.execute("PRAGMA journal_mode=DELETE");
        }
        assertTrue(file.toFile().setReadOnly());
        db = CatalogDb.openReadOnly(file);
        words = db.words();
        assertTrue(words.present());
        assertEquals(List.of(tee), find("tshirt"));
        assertEquals(List.of(tee), ask().exact("luma t-shirt"));
        assertEquals(Set.of(tee), ask().explain(List.of("luma"), List.of(tee)).keySet());
        CatalogException e = assertThrows(CatalogException.class, () -> words.rebuild());
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    }

    @Test
    void aBakedCopyKeepsItsIndexInStep() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(add("p" + i, "Product " + i + (i % 3 == 0 ? " kettle" : " lamp")));
        }
        // holes in the rowids, which a VACUUM renumbering would close
        sql("DELETE FROM products WHERE rowid IN (2, 5, 11)");
        Path baked = dir.resolve("baked.db");
        db.bakeTo(baked);
        try (CatalogDb copy = CatalogDb.open(baked)) {
            assertEquals(Set.copyOf(ask().containingAny(List.of("kettle"))), copy.words().containingAny(List.of("kettle")));
            try (Statement st = copy.connection().createStatement()) {
                st.execute("INSERT INTO product_words(product_words, rank) VALUES ('integrity-check', 1)");
            }
        }
    }

    @Test
    void aCatalogueAtSchemaThreeMigratesAndItsProductsAreIndexed() throws Exception {
        db.close();
        Path file = dir.resolve("v3.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE lookalike_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at INTEGER NOT NULL)");
            for (int v = 1; v <= 3; v++) {
                String name = CatalogDb.MIGRATIONS.get(v - 1);
                for (String s : CatalogDb.splitStatements(CatalogDb.readResource("/db/" + name))) {
                    st.execute(s);
                }
                st.execute("INSERT INTO lookalike_migrations VALUES (" + v + ", '" + name + "', 0)");
            }
            st.execute("INSERT INTO products(id, url, name, sku, removed_at) VALUES "
                    + "('p1', 'https://s/1', 'Rose-gold watch', 'W-1', NULL), ('p2', 'https://s/2', 'Old watch', NULL, 5)");
        }
        db = CatalogDb.open(file);
        words = db.words();
        assertEquals(CatalogDb.MIGRATIONS.size(), db.schemaVersion());
        assertEquals(List.of("p1"), find("rosegold"));
        assertEquals(List.of("p1"), find("watch"), "the removed one is not indexed");
        assertEquals(List.of("p1"), ask().exact("w1"));
        assertIndexInStep();
    }

    @Test
    void aDroppedIndexIsReportedAndRebuilt() throws SQLException {
        String tee = add("tee", "Luma T-Shirt");
        add("gone", "Gone T-Shirt");
        db.markRemovedNotSeenSince("s", CatalogDb.now() + 10);
        db.upsertProduct(db.product(tee).orElseThrow());
        sql("DROP TABLE product_words");
        assertFalse(words.present());
        CatalogException e = assertThrows(CatalogException.class, () -> find("luma"));
        assertTrue(e.getMessage().contains("lookalike reindex"), e.getMessage());
        e = assertThrows(CatalogException.class, () -> add("new", "New T-Shirt"));
        assertTrue(e.getMessage().contains("lookalike reindex"), "the triggers still write to it: " + e.getMessage());
        assertEquals(1, words.rebuild());
        assertTrue(words.present());
        assertEquals(List.of(tee), find("tshirt"));
        String added = add("new", "New T-Shirt");
        assertEquals(Set.of(tee, added), Set.copyOf(find("t-shirt")));
        assertIndexInStep();
        sql("DROP TRIGGER product_words_update");
        assertFalse(words.present(), "a missing trigger is a missing index: it would drift");
    }

    @Test
    void rebuildCountsLiveProducts() {
        add("a", "A");
        add("b", "B");
        assertEquals(2, words.rebuild());
        assertTrue(Files.exists(dir.resolve("c.db")));
    }
}
