package dev.lookalike.embed;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.ImageInfo;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.search.Match;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.VectorIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embed run over every kind of good and hostile image: the good ones get vectors, each bad one is
 * recorded with its reason, and the run goes on.
 */
class EmbedRunTest {

    static final Path IMAGES = Path.of("src/test/resources/images");
    static ClipModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        model = ModelLocator.loadDirectory(Fixtures.model("colour-clip"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void goodImagesAreEmbeddedBadOnesRecordedAndSkipped() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("empty.jpg", "empty file");
        bad.put("html_page.jpg", "looks like HTML");
        bad.put("truncated.jpg", "truncated");
        bad.put("garbage.jpg", "unsupported or corrupt");
        bad.put("bomb.png", "image too large");
        bad.put("bomb.jpg", "image too large");
        List<String> good = List.of("cmyk.jpg", "exif_orientation_6.jpg", "rgba.png", "lossy.webp", "lossless.webp",
                "alpha.webp", "animated.gif", "grey16.png", "rgb16.png", "greyscale.jpg", "palette_transparent.png",
                "progressive.jpg", "quadrants.bmp", "photo_320x240.png");
        try (CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            Map<String, String> ids = new LinkedHashMap<>();
            for (String name : concat(bad.keySet(), good)) {
                // stored raw, as if a scraper had not looked at them: the embed run must cope
                ids.put(name, db.putImage(Files.readAllBytes(IMAGES.resolve(name)), null, null, null, null, null));
            }
            EmbedRun.Summary s = new EmbedRun(db, model, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 3, 2)
                    .run(ProgressListener.NONE);
            assertEquals(good.size(), s.embedded());
            assertEquals(bad.size(), s.failed());
            Collection c = db.findCollection("colour-clip").orElseThrow();
            for (String name : good) {
                assertTrue(db.vector(c.id(), ids.get(name)).isPresent(), name);
                assertNull(db.image(ids.get(name)).orElseThrow().error(), name);
            }
            for (Map.Entry<String, String> e : bad.entrySet()) {
                ImageInfo info = db.image(ids.get(e.getKey())).orElseThrow();
                assertNotNull(info.error(), e.getKey());
                assertTrue(info.error().contains(e.getValue()), e.getKey() + ": " + info.error());
                assertTrue(db.vector(c.id(), ids.get(e.getKey())).isEmpty());
            }
            EmbedRun.Summary again = new EmbedRun(db, model, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 3, 2)
                    .run(ProgressListener.NONE);
            assertEquals(0, again.embedded());
            assertEquals(0, again.failed());
            assertEquals(good.size() + bad.size(), again.skipped());
        }
    }

    @Test
    void concurrentTextSearchesAgreeWithSequentialOnes() throws Exception {
        try (CatalogDb db = CatalogDb.open(dir.resolve("s.db"))) {
            String[] files = {"photo_320x240.png", "cmyk.jpg", "rgba.png", "lossy.webp", "quadrants.jpg", "greyscale.png"};
            for (int i = 0; i < files.length; i++) {
                Product p = Product.of("https://shop/" + i, "item " + i, 10.0 + i, "EUR", null, "shop", null, null);
                db.upsertProduct(p);
                String id = db.putImage(Files.readAllBytes(IMAGES.resolve(files[i])), null, null, null, null, null);
                db.linkImage(new ProductImage(p.id(), files[i], id, null, 0));
            }
            new EmbedRun(db, model, new ImageDecoder(), 4, 2).run(ProgressListener.NONE);
            VectorIndex index = VectorIndex.load(db, db.findCollection("colour-clip").orElseThrow());
            SearchService service = new SearchService(() -> index, () -> model);
            String[] queries = {"red", "green", "blue", "yellow", "black", "white", "purple", "gold purple"};
            Map<String, List<String>> expected = new LinkedHashMap<>();
            for (String q : queries) {
                expected.put(q, ids(service.searchText(q, SearchFilter.NONE, 6, 0)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int start = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            String q = queries[(start + i) % queries.length];
                            assertEquals(expected.get(q), ids(service.searchText(q, SearchFilter.NONE, 6, 0)), q);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<String> ids(List<Match> matches) {
        return matches.stream().map(m -> m.product().id()).toList();
    }

    private static List<String> concat(java.util.Collection<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
