package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.catalog.ProductWords;
import dev.lookalike.embed.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Search with the words index copied into memory gives the pages it gives with FTS5 itself, and a server
 * copies it in the background after each load.
 */
class WordsInMemoryTest {

    static final Map<String, float[]> TEXTS = Map.of(
            "gold", new float[] {1f, 0f, 0f},
            "chrome", new float[] {0f, 1f, 0f},
            "faucet", new float[] {0.2f, 0.2f, 1f},
            "gold faucet", new float[] {0.7f, 0.1f, 0.7f},
            "kitchen tap", new float[] {0.1f, 0.3f, 0.9f},
            "brass", new float[] {0.8f, 0.1f, 0.2f});
    static final String[] WORDS = {"gold", "chrome", "faucet", "kitchen", "tap", "brass", "pull-out", "lamp"};

    @TempDir
    Path dir;

    CatalogDb catalogue() {
        CatalogDb db = CatalogDb.open(dir.resolve("c.db"));
        Collection c = db.collection("fake", "fake");
        Random rnd = new Random(3);
        List<NewVector> vectors = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String name = WORDS[rnd.nextInt(WORDS.length)] + " " + WORDS[rnd.nextInt(WORDS.length)] + " " + i;
            Product p = Product.of("https://s" + (i % 3) + ".test/p/" + i, name, 10.0 + rnd.nextInt(300), "EUR",
                    "Brand" + rnd.nextInt(5), "s" + (i % 3) + ".test", WORDS[rnd.nextInt(WORDS.length)] + " finish",
                    "Bath/" + WORDS[rnd.nextInt(WORDS.length)]);
            db.upsertProduct(p);
            byte[] photo = ("photo " + i).getBytes(StandardCharsets.UTF_8);
            String image = db.putImage(photo, 1, 1, "png", null, null);
            db.linkImage(new ProductImage(p.id(), p.url() + ".png", image, null, 0));
            float[] v = {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian()};
            vectors.add(new NewVector(image, Vectors.normalize(v), CatalogDb.md5(photo), null));
        }
        db.saveVectors(c.id(), vectors);
        return db;
    }

    @Test
    void pagesAreTheSameFromMemoryAsFromFts5() {
        try (CatalogDb db = catalogue()) {
            VectorIndex idx = VectorIndex.load(db, db.findCollection("fake").orElseThrow());
            FakeClip clip = new FakeClip(3, TEXTS);
            AtomicReference<ProductWords> words = new AtomicReference<>(db.words());
            SearchService s = new SearchService(() -> idx, () -> clip, new SearchService.Settings(0.5, 1.0, 0.9, 16, 0),
                    id -> List.of(), words::get);
            List<SearchService.Query> queries = new ArrayList<>();
            for (String text : List.of("gold", "gold faucet", "kitchen tap", "brass", "faucet -chrome",
                    "\"kitchen tap\"", "gold -brass")) {
                for (Mode mode : Mode.values()) {
                    for (Sort sort : List.of(Sort.RELEVANCE, Sort.PRICE)) {
                        queries.add(new SearchService.Query(text, null, false, SearchFilter.NONE)
                                .with(mode, sort, mode == Mode.WORDS, false));
                    }
                }
            }
            List<ResultPage> fromFts5 = new ArrayList<>();
            for (SearchService.Query q : queries) {
                fromFts5.add(s.search(q, 20, 0));
            }
            assertTrue(fromFts5.stream().anyMatch(p -> p.results().stream().anyMatch(m -> m.words() != null)));
            assertTrue(s.prepareWords(idx));
            for (int i = 0; i < queries.size(); i++) {
                assertEquals(fromFts5.get(i), s.search(queries.get(i), 20, 0), queries.get(i).toString());
            }
            // a product only the words found shows its own look score and best photo, as look alone gives them
            int checked = 0;
            for (SearchService.Query q : queries) {
                if (q.mode() != Mode.BOTH) {
                    continue;
                }
                Map<String, Match> byLook = new java.util.HashMap<>();
                for (Match m : s.search(q.with(Mode.LOOK, Sort.RELEVANCE, true, false), 400, 0).results()) {
                    byLook.put(m.product().id(), m);
                }
                for (Match m : s.search(q, 300, 0).results()) {
                    Match look = byLook.get(m.product().id());
                    assertEquals(look.score(), m.score(), q + " " + m.product().name());
                    assertEquals(look.imageId(), m.imageId(), q + " " + m.product().name());
                    checked += m.matched().equals(Match.WORDS) ? 1 : 0;
                }
            }
            assertTrue(checked > 0, "no result found by words alone");
            // the copy answers on its own: without the catalogue's words, only it can
            words.set(null);
            int byWords = 0;
            while (queries.get(byWords).mode() != Mode.WORDS) {
                byWords++;
            }
            SearchService.Query q = queries.get(byWords);
            assertEquals(fromFts5.get(byWords), s.search(q, 20, 0));
            SearchService without = new SearchService(() -> idx, () -> clip,
                    new SearchService.Settings(0.5, 1.0, 0, 16, 0), id -> List.of(), words::get);
            assertThrows(SearchException.class, () -> without.search(q, 20, 0));
        }
    }

    @Test
    void aServerCopiesTheWordsAfterEachLoad() throws Exception {
        CatalogDb db = catalogue();
        try (LiveSearch live = LiveSearch.of(db, new FakeClip(3, TEXTS), SearchService.Settings.DEFAULTS,
                LiveSearch.Precompute.OFF)) {
            VectorIndex first = live.index();
            assertTrue(waitUntil(() -> live.service().wordsInMemory(first)), "words copied after the first load");
            try (CatalogDb writer = CatalogDb.open(dir.resolve("c.db"))) { // as scrape would, from another process
                writer.upsertProduct(Product.of("https://s0.test/p/new", "Gold lamp new", 5.0, "EUR", null, "s0.test",
                        null, null));
            }
            assertTrue(live.refresh());
            VectorIndex second = live.index();
            assertFalse(first == second);
            assertTrue(waitUntil(() -> live.service().wordsInMemory(second)), "and again after a reload");
            ResultPage page = live.service().search(new SearchService.Query("gold", null, false, SearchFilter.NONE)
                    .with(Mode.WORDS, Sort.RELEVANCE, true, false), 400, 0);
            assertTrue(page.results().stream().noneMatch(m -> m.product().name().equals("Gold lamp new")),
                    "a product without a photo is not a result");
        }
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
