package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.DecodedImage;
import dev.lookalike.embed.ImageDecodeException;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ImagePreprocessor;
import dev.lookalike.embed.Vectors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers "products that look like this text", "… like this product", "… like this photo" from a
 * {@link VectorIndex}. The model is only needed for text and photos; {@code similar} never runs it.
 *
 * <p>Query steering: the query vector is {@code normalize(like + w·text − n·Σ unwanted)} where
 * {@code like} is the vector of the product's first photo (when {@code like} is given), {@code text}
 * the text tower's vector of the wanted words, {@code unwanted} the vector of each excluded word, and
 * {@code w} ({@link Settings#likeTextWeight}, only when a product is given; 1 otherwise) and {@code n}
 * ({@link Settings#negativeWeight}) come from the settings.
 */
public final class SearchService {

    /**
     * How queries are steered and trimmed.
     *
     * @param negativeWeight  how much of each excluded word's vector is subtracted ({@code faucet -chrome})
     * @param likeTextWeight  the text's weight next to the product's vector (weight 1) in {@code like=ID&q=…}
     * @param relativeFloor   results scoring below {@code best − relativeFloor·|best|} are dropped, best being
     *                        the top score of the query; 0 keeps everything
     * @param textCacheSize   how many text vectors are kept (least recently used dropped first)
     * @param resultCacheSize how many result pages of text and product queries are kept until the index
     *                        changes; 0 caches none
     */
    public record Settings(double negativeWeight, double likeTextWeight, double relativeFloor, int textCacheSize,
                           int resultCacheSize) {
        /** No floor and no result cache: every match is returned, as the command line wants. */
        public static final Settings DEFAULTS = new Settings(0.5, 1.0, 0.0, 256, 0);

        public Settings {
            if (!(negativeWeight >= 0) || !(likeTextWeight >= 0)) {
                throw new IllegalArgumentException("query weights must be ≥ 0");
            }
            if (!(relativeFloor >= 0)) {
                throw new IllegalArgumentException("the relative floor must be ≥ 0, got " + relativeFloor);
            }
        }
    }

    /**
     * A text and/or product query.
     *
     * @param text    what the shopper typed (may hold {@code -word} exclusions); null or blank when only
     *                {@code like} is given
     * @param like    the id of a product whose look to start from, or null
     * @param cheaper only products cheaper than {@code like} (same currency), each with its saving
     * @param filter  which products may appear
     */
    public record Query(String text, String like, boolean cheaper, SearchFilter filter) {
        public Query {
            Objects.requireNonNull(filter, "filter");
        }
    }

    private final Supplier<VectorIndex> index;
    private final Supplier<ClipModel> model;
    private final Settings settings;
    private final Function<String, List<String>> photoErrors;
    private final TextVectors texts;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Map<Object, ResultPage> results;
    private VectorIndex cachedFor;
    private Facets facets;
    private VectorIndex facetsFor;
    private ImagePreprocessor preprocessor;

    /**
     * @param index the current index (a supplier, so a server can swap in a reloaded one)
     * @param model the model for text queries, loaded on first use; may supply null when unavailable
     */
    /** The longest query text accepted, on the command line and in the API alike (CLIP reads 77 tokens at most). */
    public static final int MAX_QUERY_CHARS = 500;

    public SearchService(Supplier<VectorIndex> index, Supplier<ClipModel> model) {
        this(index, model, Settings.DEFAULTS);
    }

    public SearchService(Supplier<VectorIndex> index, Supplier<ClipModel> model, Settings settings) {
        this(index, model, settings, id -> List.of());
    }

    /**
     * @param photoErrors why a product's photos could not be embedded (CatalogDb.photoErrors), to tell a
     *     product whose photos are broken from one that embed has not reached yet
     */
    public SearchService(Supplier<VectorIndex> index, Supplier<ClipModel> model, Settings settings,
                         Function<String, List<String>> photoErrors) {
        this.index = index;
        this.model = model;
        this.settings = settings;
        this.photoErrors = photoErrors;
        this.texts = new TextVectors(model, settings.textCacheSize());
        int capacity = settings.resultCacheSize();
        this.results = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, ResultPage> eldest) {
                return size() > capacity;
            }
        };
    }

    public Settings settings() {
        return settings;
    }

    /** Products whose photos best match the text ({@code -word} leaves a word out). */
    public List<Match> searchText(String text, SearchFilter filter, int limit, int offset) {
        if (text == null || text.isBlank()) {
            throw new SearchException("empty query: say what to look for, e.g. \"gold purple\"");
        }
        return search(new Query(text, null, false, filter), limit, offset).results();
    }

    /** Products whose photos best match a given vector (for example an uploaded photo's). */
    public List<Match> searchVector(float[] vector, SearchFilter filter, int limit, int offset) {
        return byVector(vector, filter, limit, offset).results();
    }

    /**
     * Products that look like the given one (itself left out); with {@code cheaper}, only those with a
     * lower price in the same currency, each with its saving.
     *
     * @throws UnknownProductException when no product has that id
     * @throws SearchException when the product has no embedded photo, or no price for {@code cheaper}
     */
    public List<Match> similar(String productId, boolean cheaper, SearchFilter filter, int limit, int offset) {
        return search(new Query(null, productId, cheaper, filter), limit, offset).results();
    }

    /**
     * One page of a text and/or product query.
     *
     * @throws SearchException when the query asks for nothing, {@code cheaper} comes without a priced
     *     {@code like} product, the product has no embedded photo, or the page is out of range
     * @throws UnknownProductException when {@code like} names no product
     */
    public ResultPage search(Query query, int limit, int offset) {
        return search(query, limit, offset, false);
    }

    /**
     * {@link #search} when the answer costs no scan and no model: a cached page, or a product's
     * lookalikes that its precomputed list holds. Empty otherwise; a server answers these on its I/O
     * threads and hands the rest to workers.
     *
     * @throws SearchException and {@link UnknownProductException} as {@link #search} does
     */
    public Optional<ResultPage> searchIfCheap(Query query, int limit, int offset) {
        return Optional.ofNullable(search(query, limit, offset, true));
    }

    /** With {@code cheapOnly}, null where a scan or the model would be needed. */
    private ResultPage search(Query query, int limit, int offset, boolean cheapOnly) {
        checkPage(limit, offset);
        if (query.text() != null && query.text().length() > MAX_QUERY_CHARS) {
            throw new SearchException("the query is " + query.text().length() + " characters long; at most "
                    + MAX_QUERY_CHARS + " are allowed");
        }
        QueryText text = QueryText.parse(query.text());
        if (query.like() == null) {
            if (query.cheaper()) {
                throw new SearchException("cheaper needs a product to be cheaper than: add like=PRODUCT_ID");
            }
            if (text.wanted().isEmpty()) {
                throw new SearchException(text.isEmpty() ? "empty query: say what to look for, e.g. \"gold purple\""
                        : "say what to look for, not only what to leave out (\"faucet -chrome\")");
            }
        }
        VectorIndex idx = index.get();
        Object key = List.of(query, limit, offset);
        ResultPage cached = cached(idx, key);
        if (cached != null) {
            return cached;
        }
        SearchFilter filter = query.filter();
        float[] q = null;
        if (query.like() != null) {
            Product p = idx.product(query.like()).orElseThrow(() -> new UnknownProductException(query.like()));
            q = idx.productVector(query.like()).orElseThrow(() -> noPhoto(query.like()));
            filter = filter.excluding(p.id());
            if (query.cheaper()) {
                if (p.price() == null) {
                    throw new SearchException("product " + p.id() + " has no price, so nothing is cheaper than it");
                }
                filter = filter.withCheaperThan(p.price(), p.currency(), p.id());
            }
        }
        // a product's lookalikes without steering may come from the index's precomputed lists
        boolean likeOnly = query.like() != null && text.isEmpty();
        if (cheapOnly) {
            if (!likeOnly) {
                return null;
            }
            Optional<List<Match>> top = idx.similarFromLists(query.like(), filter, offset + limit + 1);
            if (top.isEmpty()) {
                return null;
            }
            return page(top.get(), limit, offset); // not cached: walking the list again costs as little
        }
        if (!text.wanted().isEmpty()) {
            float[] t = textVector(text.wanted(), idx);
            q = q == null ? t : add(q, t, (float) settings.likeTextWeight());
        }
        for (String unwanted : text.unwanted()) {
            q = add(q, textVector(unwanted, idx), (float) -settings.negativeWeight());
        }
        if (norm(q) < 1e-6) {
            throw new SearchException("what to leave out cancels what to look for: leave out less");
        }
        ResultPage page = likeOnly ? page(idx.similar(query.like(), filter, offset + limit + 1), limit, offset)
                : ranked(idx, Vectors.normalize(q), filter, limit, offset);
        remember(idx, key, page);
        return page;
    }

    /** One page of products that look like the given product; see {@link #similar}. */
    public ResultPage similarPage(String productId, boolean cheaper, SearchFilter filter, int limit, int offset) {
        return search(new Query(null, productId, cheaper, filter), limit, offset);
    }

    /** One page of products whose photos best match a unit vector. */
    public ResultPage byVector(float[] vector, SearchFilter filter, int limit, int offset) {
        checkPage(limit, offset);
        VectorIndex idx = index.get();
        if (idx.size() > 0 && vector.length != idx.dim()) {
            throw new SearchException("the query vector has " + vector.length + " dimensions but the catalogue's "
                    + "have " + idx.dim());
        }
        return ranked(idx, vector, filter, limit, offset);
    }

    /**
     * The image tower's unit vector of a photo.
     *
     * @throws NotAnImageException when the bytes are not a photo Lookalike can read
     * @throws SearchException when no model is loaded
     */
    public float[] photoVector(byte[] bytes) {
        ClipModel m = model.get();
        if (m == null) {
            throw new SearchException("no model to embed photos with");
        }
        DecodedImage img;
        try {
            img = decoder.decode(bytes);
        } catch (ImageDecodeException e) {
            throw new NotAnImageException(e.getMessage());
        }
        ImagePreprocessor pre;
        synchronized (this) {
            if (preprocessor == null || !preprocessor.spec().equals(m.imageSpec())) {
                preprocessor = new ImagePreprocessor(m.imageSpec());
            }
            pre = preprocessor;
        }
        return m.embedPixels(List.of(pre.pixels(img.image())))[0];
    }

    /**
     * Products with an embedded photo in catalogue order, for browsing without a query; each with its
     * first photo and score 0.
     */
    public ResultPage browse(SearchFilter filter, int limit, int offset) {
        checkPage(limit, offset);
        VectorIndex idx = index.get();
        List<Match> out = new ArrayList<>();
        int seen = 0;
        boolean more = false;
        for (Product p : idx.productsWithPhotos()) {
            if (!filter.accepts(p)) {
                continue;
            }
            if (seen++ < offset) {
                continue;
            }
            if (out.size() == limit) {
                more = true;
                break;
            }
            out.add(new Match(p, idx.imageOf(p.id()).orElseThrow(), 0f, null));
        }
        return new ResultPage(out, more);
    }

    /** The shops, brands and price range of the searchable products. */
    public synchronized Facets facets() {
        VectorIndex idx = index.get();
        if (facetsFor != idx) {
            Comparator<String> order = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());
            TreeSet<String> shops = new TreeSet<>(order);
            TreeSet<String> brands = new TreeSet<>(order);
            double max = 0;
            for (Product p : idx.productsWithPhotos()) {
                if (p.shop() != null && !p.shop().isBlank()) {
                    shops.add(p.shop());
                }
                if (p.brand() != null && !p.brand().isBlank()) {
                    brands.add(p.brand());
                }
                if (p.price() != null) {
                    max = Math.max(max, p.price());
                }
            }
            facets = new Facets(List.copyOf(shops), List.copyOf(brands), max);
            facetsFor = idx;
        }
        return facets;
    }

    /** The size of the text vector cache, for tests. */
    int cachedTexts() {
        return texts.size();
    }

    private float[] textVector(String text, VectorIndex idx) {
        float[] t = texts.of(text);
        if (idx.size() > 0 && t.length != idx.dim()) {
            ClipModel m = model.get();
            throw new SearchException("model " + (m == null ? "" : m.name()) + " makes " + t.length
                    + "-dimensional vectors but the catalogue's are " + idx.dim());
        }
        return t;
    }

    private ResultPage ranked(VectorIndex idx, float[] q, SearchFilter filter, int limit, int offset) {
        if (idx.size() == 0) {
            return new ResultPage(List.of(), false);
        }
        // one more than the page, to know whether a next page exists
        return page(idx.search(q, filter, offset + limit + 1, 0), limit, offset);
    }

    /** The page of a ranking's top; the floor is relative to its best score, known only from the top. */
    private ResultPage page(List<Match> top, int limit, int offset) {
        if (settings.relativeFloor() > 0 && !top.isEmpty()) {
            float best = top.get(0).score();
            double cut = best - settings.relativeFloor() * Math.abs(best);
            int keep = 0;
            while (keep < top.size() && top.get(keep).score() >= cut) {
                keep++;
            }
            top = top.subList(0, keep);
        }
        boolean more = top.size() > offset + limit;
        List<Match> page = top.subList(Math.min(offset, top.size()), Math.min(offset + limit, top.size()));
        return new ResultPage(page, more);
    }

    private ResultPage cached(VectorIndex idx, Object key) {
        if (settings.resultCacheSize() <= 0) {
            return null;
        }
        synchronized (results) {
            if (cachedFor != idx) {
                results.clear();
                cachedFor = idx;
                return null;
            }
            return results.get(key);
        }
    }

    private void remember(VectorIndex idx, Object key, ResultPage page) {
        if (settings.resultCacheSize() <= 0) {
            return;
        }
        synchronized (results) {
            if (cachedFor == idx) {
                results.put(key, page);
            }
        }
    }

    private static float[] add(float[] a, float[] b, float weight) {
        float[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += weight * b[i];
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static void checkPage(int limit, int offset) {
        if (limit < 1 || limit > 1000) {
            throw new SearchException("limit must be between 1 and 1000, got " + limit);
        }
        if (offset < 0) {
            throw new SearchException("offset must not be negative, got " + offset);
        }
        if (offset > 100_000) {
            throw new SearchException("offset must be at most 100000, got " + offset);
        }
    }

    /** A product without an embedded photo: broken photos say why, others wait for embed. */
    private RuntimeException noPhoto(String productId) {
        List<String> errors = photoErrors.apply(productId);
        if (!errors.isEmpty()) {
            return new UnusablePhotosException(productId, errors);
        }
        return new SearchException("product " + productId + " has no embedded photo yet: run embed");
    }
}
