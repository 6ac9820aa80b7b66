package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.Vectors;
import dev.lookalike.search.Mode;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.Sort;
import dev.lookalike.search.VectorIndex;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * What fusing the words with the look costs a text query: a synthetic catalogue of {@code n} products
 * (names, descriptions and random photo vectors, 5% of them also sold by a second shop under the same
 * photo) in a real SQLite catalogue with its FTS5 index, and the same two-word queries timed in
 * {@code look}, {@code words} and {@code both} modes: each text once as it comes first (its words not yet
 * searched), then repeated (text vector and word hits remembered), interleaved across modes. The model's
 * text vectors are worked out before timing (a cached text costs every mode the same), so the figures are
 * the ranking's own. Not a test: numbers depend on the machine.
 */
final class FusionBench {

    private static final String[] COLOURS = {"red", "blue", "green", "black", "white", "grey", "gold", "purple",
            "pink", "brown", "navy", "beige"};
    private static final String[] GARMENTS = {"hoodie", "jacket", "tee", "shorts", "pants", "dress", "skirt", "bag",
            "shoe", "scarf", "coat", "sweater", "tank", "bra", "faucet", "lamp"};
    private static final String[] WORDS = {"classic", "soft", "organic", "cotton", "wool", "slim", "relaxed", "light",
            "warm", "summer", "winter", "sport", "yoga", "trail", "urban", "eco"};

    private FusionBench() {}

    static ObjectNode run(ClipModel clip, int n, int queries) throws IOException {
        Path dir = Files.createTempDirectory("lookalike-fusion-bench");
        try {
            return run(clip, n, queries, dir.resolve("bench.db"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static ObjectNode run(ClipModel clip, int n, int queries, Path file) {
        Random rnd = new Random(n);
        int dim = clip.dim();
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("products", n);
        long t0 = System.nanoTime();
        try (CatalogDb db = CatalogDb.open(file)) {
            Collection c = db.collection(clip.name(), clip.name());
            List<NewVector> batch = new ArrayList<>();
            float[] v = new float[dim];
            for (int i = 0; i < n; i++) {
                String name = pick(rnd, WORDS) + " " + pick(rnd, COLOURS) + " " + pick(rnd, GARMENTS) + " " + i;
                String description = pick(rnd, WORDS) + " " + pick(rnd, WORDS) + " " + pick(rnd, GARMENTS)
                        + " in " + pick(rnd, COLOURS);
                byte[] photo = ("bench photo " + i).getBytes(StandardCharsets.UTF_8);
                String image = db.putImage(photo, 1, 1, "png", null, null);
                double price = 5 + rnd.nextInt(500);
                for (int shop = 0; shop < (i % 20 == 0 ? 2 : 1); shop++) {
                    Product p = Product.of("https://shop" + shop + ".bench/p/" + i, name, price * (1 - 0.1 * shop),
                            "EUR", "Brand" + rnd.nextInt(40), "shop" + shop + ".bench", description,
                            "Clothing/" + pick(rnd, GARMENTS));
                    db.upsertProduct(p);
                    db.linkImage(new ProductImage(p.id(), p.url() + ".png", image, null, 0));
                }
                for (int j = 0; j < dim; j++) {
                    v[j] = (float) rnd.nextGaussian();
                }
                batch.add(new NewVector(image, Vectors.normalize(v.clone()), CatalogDb.md5(photo), null));
                if (batch.size() == 1000) {
                    db.saveVectors(c.id(), batch);
                    batch.clear();
                }
            }
            db.saveVectors(c.id(), batch);
            node.put("build_s", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            VectorIndex index = VectorIndex.load(db, c);
            SearchService service = new SearchService(() -> index, () -> clip,
                    new SearchService.Settings(0.5, 1.0, 0.25, 4096, 0), db::photoErrors, db::words);
            long g = System.nanoTime();
            service.otherOffers(index.productsWithPhotos().get(0).id()); // works the same-item groups out
            node.put("same_item_groups_ms", Math.round((System.nanoTime() - g) / 1e4) / 100.0);
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < Math.max(1, queries); i++) {
                texts.add(pick(rnd, COLOURS) + " " + pick(rnd, GARMENTS));
            }
            // first with the words in FTS5 alone (a one-off command), then copied into memory (a server)
            node.set("fts5", time(service, texts));
            long w = System.nanoTime();
            service.prepareWords(index);
            node.put("words_in_memory_ms", Math.round((System.nanoTime() - w) / 1e4) / 100.0);
            node.setAll(time(service, texts));
            // what grouping adds to a page: each shown item's offers, as the page lists them
            long[] grouping = new long[texts.size()];
            for (int i = 0; i < texts.size(); i++) {
                List<String> ids = service.search(query(texts.get(i), Mode.BOTH), 20, 0).results().stream()
                        .map(m -> m.product().id()).toList();
                long t = System.nanoTime();
                for (String id : ids) {
                    service.otherOffers(id);
                }
                grouping[i] = System.nanoTime() - t;
            }
            node.set("grouping_per_page_ms", BenchCommand.percentiles(grouping));
        }
        return node;
    }

    /**
     * Each text's first words query (its text vector already worked out, as a look query leaves it) in
     * {@code words} and {@code both}, then every text repeated (text vector and word hits remembered),
     * interleaved across modes.
     */
    private static ObjectNode time(SearchService service, List<String> texts) {
        Mode[] modes = {Mode.LOOK, Mode.WORDS, Mode.BOTH};
        // warm-up on other texts, so that the figures are not the JIT compiler's
        Random rnd = new Random(texts.size());
        for (int i = 0; i < 60; i++) {
            String other = pick(rnd, WORDS) + " " + pick(rnd, COLOURS) + " " + pick(rnd, GARMENTS);
            for (Mode m : modes) {
                service.search(query(other, m), 20, 0);
            }
        }
        service.forgetWordHits();
        long[] coldWords = new long[texts.size()];
        long[] coldBoth = new long[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            service.search(query(texts.get(i), Mode.LOOK), 20, 0);
            service.forgetWordHits();
            long t = System.nanoTime();
            service.search(query(texts.get(i), Mode.WORDS), 20, 0);
            coldWords[i] = System.nanoTime() - t;
            service.forgetWordHits();
            t = System.nanoTime();
            service.search(query(texts.get(i), Mode.BOTH), 20, 0);
            coldBoth[i] = System.nanoTime() - t;
        }
        long[][] ns = new long[modes.length][texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            for (int m = 0; m < modes.length; m++) {
                long t = System.nanoTime();
                service.search(query(texts.get(i), modes[m]), 20, 0);
                ns[m][i] = System.nanoTime() - t;
            }
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set("look_ms", BenchCommand.percentiles(ns[0]));
        node.set("words_ms", BenchCommand.percentiles(ns[1]));
        node.set("both_ms", BenchCommand.percentiles(ns[2]));
        node.set("words_first_time_ms", BenchCommand.percentiles(coldWords));
        node.set("both_first_time_ms", BenchCommand.percentiles(coldBoth));
        return node;
    }

    private static SearchService.Query query(String text, Mode mode) {
        return new SearchService.Query(text, null, false, SearchFilter.NONE).with(mode, Sort.RELEVANCE, false, false);
    }

    private static String pick(Random rnd, String[] words) {
        return words[rnd.nextInt(words.length)];
    }
}
