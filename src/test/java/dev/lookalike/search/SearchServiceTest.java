package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Query steering, the relative floor, paging and the caches, on hand-made 3-d vectors. */
class SearchServiceTest {

    // axes: 0 = gold, 1 = chrome, 2 = faucet-ness
    static final Map<String, float[]> TEXTS = Map.of(
            "faucet", new float[] {0.2f, 0.2f, 1f},
            "chrome", new float[] {0f, 1f, 0f},
            "gold", new float[] {1f, 0f, 0f},
            "oil rubbed", new float[] {0f, 0f, 1f});

    static final String[] NAMES = {"gold faucet", "chrome faucet", "plain faucet", "gold ring", "chrome pipe", "sock"};
    static final float[][] VECTORS = {
            {0.6f, 0f, 0.8f}, {0f, 0.6f, 0.8f}, {0.1f, 0.1f, 0.99f}, {1f, 0f, 0f}, {0f, 1f, 0f}, {-0.6f, -0.6f, -0.5f}};
    static final double[] PRICES = {100, 50, 30, 400, 10, 5};

    static VectorIndex index(int n) {
        Product[] products = new Product[n];
        String[] images = new String[n];
        float[] matrix = new float[3 * n];
        for (int i = 0; i < n; i++) {
            products[i] = new Product(String.format("%016x", i), "https://shop/" + i, NAMES[i], PRICES[i], "EUR",
                    i % 2 == 0 ? "Acme" : "Brio", "shop", null, null);
            images[i] = "img" + i;
            float[] v = dev.lookalike.embed.Vectors.normalize(VECTORS[i].clone());
            System.arraycopy(v, 0, matrix, 3 * i, 3);
        }
        return VectorIndex.ofRows(3, matrix, images, products);
    }

    static SearchService service(VectorIndex idx, FakeClip clip, double floor, int resultCache) {
        return new SearchService(() -> idx, () -> clip, new SearchService.Settings(0.5, 1.0, floor, 16, resultCache));
    }

    static List<String> names(ResultPage page) {
        return page.results().stream().map(m -> m.product().name()).toList();
    }

    static float score(ResultPage page, String name) {
        return page.results().stream().filter(m -> m.product().name().equals(name)).findFirst().orElseThrow().score();
    }

    @Test
    void cheapAnswersComeFromTheResultCacheOrTheLookalikeListsAndEqualFullOnes() {
        VectorIndex idx = index(6);
        FakeClip clip = new FakeClip(3, TEXTS);
        SearchService s = service(idx, clip, 0, 16);
        SearchService.Query text = new SearchService.Query("gold", null, false, SearchFilter.NONE);
        SearchService.Query like = new SearchService.Query(null, String.format("%016x", 0), false, SearchFilter.NONE);
        SearchService.Query cheaper = new SearchService.Query(null, String.format("%016x", 0), true, SearchFilter.NONE);
        SearchService.Query steered = new SearchService.Query("chrome", String.format("%016x", 0), false, SearchFilter.NONE);
        // nothing cached and no lists yet: a text query needs the model, lookalikes need a scan
        assertTrue(s.searchIfCheap(text, 3, 0).isEmpty());
        assertTrue(s.searchIfCheap(like, 3, 0).isEmpty());
        ResultPage full = s.search(text, 3, 0);
        assertEquals(full, s.searchIfCheap(text, 3, 0).orElseThrow()); // now cached
        assertTrue(idx.precomputeLookalikes(8, () -> false));
        SearchService fresh = service(idx, clip, 0, 0); // no result cache: only the lists can answer
        for (SearchService.Query q : List.of(like, cheaper)) {
            assertEquals(names(fresh.search(q, 4, 1)), names(fresh.searchIfCheap(q, 4, 1).orElseThrow()), q.toString());
        }
        assertTrue(fresh.searchIfCheap(steered, 3, 0).isEmpty(), "like=…&q=… needs the text tower");
        assertThrows(UnknownProductException.class, () -> fresh.searchIfCheap(
                new SearchService.Query(null, "0000000000000099", false, SearchFilter.NONE), 3, 0));
        assertThrows(SearchException.class, () -> fresh.searchIfCheap(
                new SearchService.Query(null, null, true, SearchFilter.NONE), 3, 0));
    }

    @Test
    void queryTextSplitsWantedFromUnwanted() {
        assertEquals(new QueryText("faucet", List.of("chrome")), QueryText.parse("faucet -chrome"));
        assertEquals(new QueryText("t-shirt rose-gold", List.of("oil rubbed", "x")),
                QueryText.parse("  t-shirt -\"oil rubbed\" rose-gold -x "));
        assertEquals(new QueryText("a - b", List.of()), QueryText.parse("a - b"));
        assertTrue(QueryText.parse("   ").isEmpty());
        assertEquals(new QueryText("", List.of("chrome")), QueryText.parse("-chrome"));
    }

    @Test
    void queryTextKeepsQuotedWordsAsRequiredPhrases() {
        QueryText q = QueryText.parse("\"oil rubbed\" faucet -\"brushed nickel\" \"tap\"");
        assertEquals(List.of("oil rubbed", "faucet", "tap"), q.wantedTerms());
        assertEquals(List.of("oil rubbed", "tap"), q.required());
        assertEquals(List.of("brushed nickel"), q.unwanted());
        assertEquals("oil rubbed faucet tap", q.wanted(), "what the text tower reads");
        assertEquals(List.of("t-shirt", "rose-gold"), QueryText.parse("t-shirt rose-gold").wantedTerms());
        assertEquals(List.of(), QueryText.parse("t-shirt rose-gold").required());
        // an unclosed quote runs to the end; empty quotes are nothing
        assertEquals(new QueryText(List.of("a", "b c"), List.of("b c"), List.of()), QueryText.parse("a \"b c"));
        assertTrue(QueryText.parse("\"\" \" \"").isEmpty());
    }

    @Test
    void excludedWordsAreSubtracted() {
        SearchService s = service(index(6), new FakeClip(3, TEXTS), 0, 0);
        SearchFilter none = SearchFilter.NONE;
        // without the relevance cut, to see every score move
        ResultPage plain = s.search(everything(new SearchService.Query("faucet", null, false, none)), 6, 0);
        ResultPage noChrome = s.search(everything(new SearchService.Query("faucet -chrome", null, false, none)), 6, 0);
        assertTrue(score(noChrome, "chrome faucet") < score(plain, "chrome faucet") - 0.2,
                "chrome moves down: " + plain + " vs " + noChrome);
        assertTrue(score(noChrome, "gold faucet") > score(noChrome, "chrome faucet") + 0.2, noChrome.toString());
        assertTrue(score(noChrome, "chrome pipe") < 0, noChrome.toString());
        assertThrows(SearchException.class, () -> s.search(new SearchService.Query("-chrome", null, false, none), 3, 0));
    }

    @Test
    void likeWithTextMovesTowardTheTextAndNeverReturnsTheProduct() {
        VectorIndex idx = index(6);
        SearchService s = service(idx, new FakeClip(3, TEXTS), 0, 0);
        String plainFaucet = idx.productsWithPhotos().get(2).id();
        List<String> like = names(s.search(new SearchService.Query(null, plainFaucet, false, SearchFilter.NONE), 6, 0));
        List<String> gold = names(s.search(new SearchService.Query("gold", plainFaucet, false, SearchFilter.NONE), 6, 0));
        assertFalse(like.contains("plain faucet") || gold.contains("plain faucet"));
        assertTrue(gold.indexOf("gold ring") < like.indexOf("gold ring"), like + " vs " + gold);
        assertEquals("gold faucet", gold.get(0));
        List<Match> cheaper = s.search(new SearchService.Query("gold", idx.productsWithPhotos().get(0).id(), true,
                SearchFilter.NONE), 6, 0).results();
        for (Match m : cheaper) {
            assertTrue(m.product().price() < 100 && m.saving() == 100 - m.product().price(), m.toString());
        }
        assertThrows(SearchException.class, () -> s.search(new SearchService.Query("gold", null, true, SearchFilter.NONE), 6, 0));
        assertThrows(UnknownProductException.class,
                () -> s.search(new SearchService.Query(null, "ffffffffffffffff", false, SearchFilter.NONE), 6, 0));
    }

    static SearchService.Query everything(SearchService.Query q) {
        return q.with(Mode.BOTH, Sort.RELEVANCE, true, false);
    }

    @Test
    void theRelevanceCutDropsFarOffResultsAndPagingKnowsWhenMoreExist() {
        VectorIndex idx = index(6);
        SearchService all = service(idx, new FakeClip(3, TEXTS), 0, 0);
        SearchService floored = service(idx, new FakeClip(3, TEXTS), 0.25, 0);
        SearchService.Query gold = everything(new SearchService.Query("gold", null, false, SearchFilter.NONE));
        ResultPage everything = all.search(gold, 10, 0);
        assertEquals(6, everything.results().size());
        assertEquals(6, everything.total());
        assertFalse(everything.looser());
        SearchService.Query cut = new SearchService.Query("gold", null, false, SearchFilter.NONE);
        ResultPage kept = floored.search(cut, 10, 0);
        float best = kept.results().get(0).score();
        assertTrue(kept.results().size() < 6 && kept.results().stream().allMatch(m -> m.score() >= best * 0.75f),
                kept.toString());
        assertEquals(kept.results().size(), kept.total());
        assertTrue(kept.looser(), "the cut left matches out, so a looser list exists");

        ResultPage first = all.search(gold, 2, 0);
        assertTrue(first.more());
        ResultPage last = all.search(gold, 2, 4);
        assertEquals(2, last.results().size());
        assertFalse(last.more());
        assertFalse(floored.search(cut, 10, 0).more());
        assertEquals(List.of(), floored.search(cut, 10, 100).results());
    }

    @Test
    void textVectorsAndResultsAreCachedUntilTheIndexChanges() {
        AtomicReference<VectorIndex> current = new AtomicReference<>(index(6));
        FakeClip clip = new FakeClip(3, TEXTS);
        SearchService s = new SearchService(current::get, () -> clip, new SearchService.Settings(0.5, 1, 0, 16, 16));
        SearchService.Query q = new SearchService.Query("gold", null, false, SearchFilter.NONE);
        ResultPage a = s.search(q, 3, 0);
        assertSame(a, s.search(q, 3, 0));
        s.search(new SearchService.Query("gold", null, false, SearchFilter.prices(null, 200.0)), 3, 0);
        assertEquals(1, clip.textCalls.get(), "one text, embedded once");
        current.set(index(5));
        ResultPage b = s.search(q, 3, 0);
        assertFalse(a == b, "a new index answers anew");
        assertEquals(1, clip.textCalls.get());
    }

    @Test
    void browsingListsProductsWithPhotosAndFacetsSummariseThem() {
        SearchService s = service(index(6), new FakeClip(3, TEXTS), 0, 0);
        ResultPage page = s.browse(SearchFilter.prices(null, 60.0), 2, 1);
        assertEquals(List.of("plain faucet", "chrome pipe"), names(page));
        assertTrue(page.more());
        Facets f = s.facets();
        assertEquals(List.of("Acme", "Brio"), f.brands());
        assertEquals(400.0, f.maxPrice());
    }
}
