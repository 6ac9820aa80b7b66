package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductWords;
import dev.lookalike.catalog.WordHit;
import dev.lookalike.catalog.WordIndex;
import dev.lookalike.catalog.WordSearch;
import dev.lookalike.catalog.WordMatch;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.DecodedImage;
import dev.lookalike.embed.ImageDecodeException;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ImagePreprocessor;
import dev.lookalike.embed.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
     * @param textCacheSize   how many text vectors, and as many texts' word hits, are kept (least recently used
     *                        dropped first; word hits until the index reloads)
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
     * A text, product or photo query.
     *
     * @param text    what the shopper typed (may hold {@code -word} exclusions and {@code "quoted words"} that
     *                must appear); null or blank when only {@code like} or {@code vector} is given
     * @param like    the id of a product whose look to start from, or null
     * @param cheaper only products cheaper than {@code like} (same currency), each with its saving
     * @param filter  which products may appear
     * @param mode    what a text ranks by: look, words, or both fused
     * @param sort    the order of the results that pass the relevance cut
     * @param all     no relevance cut: every match, the loosest last ({@code floor=off}, {@code --all})
     * @param diverse re-rank so that near-identical photos do not fill a page (maximal marginal relevance)
     * @param vector  a photo's unit vector to search by, or null; not with text or like
     */
    public record Query(String text, String like, boolean cheaper, SearchFilter filter, Mode mode, Sort sort,
                        boolean all, boolean diverse, float[] vector) {
        public Query {
            Objects.requireNonNull(filter, "filter");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(sort, "sort");
        }

        /** Ranked by relevance, both modes, with the relevance cut. */
        public Query(String text, String like, boolean cheaper, SearchFilter filter) {
            this(text, like, cheaper, filter, Mode.BOTH, Sort.RELEVANCE, false, false, null);
        }

        /** The same query with another mode, order, cut and diversity. */
        public Query with(Mode mode, Sort sort, boolean all, boolean diverse) {
            return new Query(text, like, cheaper, filter, mode, sort, all, diverse, vector);
        }

        /** A photo's look as the query. */
        public static Query ofVector(float[] vector, SearchFilter filter) {
            return new Query(null, null, false, filter, Mode.LOOK, Sort.RELEVANCE, false, false, vector);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Query q && Objects.equals(text, q.text) && Objects.equals(like, q.like)
                    && cheaper == q.cheaper && filter.equals(q.filter) && mode == q.mode && sort == q.sort
                    && all == q.all && diverse == q.diverse && java.util.Arrays.equals(vector, q.vector);
        }

        @Override
        public int hashCode() {
            return Objects.hash(text, like, cheaper, filter, mode, sort, all, diverse)
                    * 31 + java.util.Arrays.hashCode(vector);
        }

        @Override
        public String toString() {
            return "Query[text=" + text + ", like=" + like + ", cheaper=" + cheaper + ", filter=" + filter
                    + ", mode=" + mode + ", sort=" + sort + ", all=" + all + ", diverse=" + diverse
                    + (vector == null ? "" : ", vector=" + vector.length + "-d") + "]";
        }
    }

    private final Supplier<VectorIndex> index;
    private final Supplier<ClipModel> model;
    private final Settings settings;
    private final Function<String, List<String>> photoErrors;
    private final Supplier<ProductWords> words;
    private final TextVectors texts;
    private final ImageDecoder decoder = new ImageDecoder();
    private final Map<Object, ResultPage> results;
    private final Map<Object, List<WordHit>> wordCache;
    private VectorIndex wordCacheFor;
    /** The words index copied into memory for one vector index (they are loaded, and go stale, together). */
    private volatile WordsCopy wordsCopy;
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
        this(index, model, settings, photoErrors, () -> null);
    }

    /**
     * @param words the catalogue's words index (its FTS5 table); may supply null, when only look queries work
     */
    public SearchService(Supplier<VectorIndex> index, Supplier<ClipModel> model, Settings settings,
                         Function<String, List<String>> photoErrors, Supplier<ProductWords> words) {
        this.words = words;
        this.index = index;
        this.model = model;
        this.settings = settings;
        this.photoErrors = photoErrors;
        this.texts = new TextVectors(model, settings.textCacheSize());
        int wordCapacity = settings.textCacheSize();
        this.wordCache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, List<WordHit>> eldest) {
                return size() > wordCapacity;
            }
        };
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
        if (query.vector() != null) {
            if (query.like() != null || !text.isEmpty()) {
                throw new IllegalArgumentException("a photo query takes no text and no product");
            }
        } else if (query.like() == null) {
            if (query.cheaper()) {
                throw new SearchException("cheaper needs a product to be cheaper than: add like=PRODUCT_ID");
            }
            if (text.wanted().isEmpty()) {
                throw new SearchException(text.isEmpty() ? "empty query: say what to look for, e.g. \"gold purple\""
                        : "say what to look for, not only what to leave out (\"faucet -chrome\")");
            }
        }
        // a query without words to look for ranks by look, whatever the mode says, as does "both" in a
        // service without a catalogue (an index a tool built from vectors alone)
        Mode mode = text.wanted().isEmpty() || (query.mode() == Mode.BOTH && words.get() == null) ? Mode.LOOK
                : query.mode();
        VectorIndex idx = index.get();
        if (query.vector() != null && idx.size() > 0 && query.vector().length != idx.dim()) {
            throw new SearchException("the query vector has " + query.vector().length + " dimensions but the "
                    + "catalogue's have " + idx.dim());
        }
        Object key = List.of(query, limit, offset);
        ResultPage cached = cached(idx, key);
        if (cached != null) {
            return cached;
        }
        SearchFilter filter = query.filter();
        int self = -1;
        Product likeProduct = null;
        if (query.like() != null) {
            likeProduct = idx.product(query.like()).orElseThrow(() -> new UnknownProductException(query.like()));
            self = idx.indexOf(likeProduct.id());
            if (!idx.hasPhoto(self)) {
                throw noPhoto(query.like());
            }
            if (query.cheaper()) {
                if (likeProduct.price() == null) {
                    throw new SearchException("product " + likeProduct.id() + " has no price, so nothing is cheaper than it");
                }
                filter = filter.withCheaperThan(likeProduct.price(), likeProduct.currency(), likeProduct.id());
            }
        }
        boolean likeOnly = query.like() != null && text.isEmpty();
        Ranked ranked;
        if (likeOnly) {
            // a product's lookalikes without steering may come from the index's precomputed lists
            ranked = fromLists(idx, self, query.all());
            if (ranked == null && cheapOnly) {
                return null;
            }
        } else if (cheapOnly) {
            return null;
        } else {
            ranked = null;
        }
        if (ranked == null) {
            ranked = rank(idx, query, text, mode, self);
        }
        ResultPage page = assemble(idx, ranked, query, text, filter, likeProduct, limit, offset);
        remember(idx, key, page);
        return page;
    }

    /** The candidates of a query, best first, before its filters: what the look and the words found. */
    private record Ranked(int[] products, int[] rows, float[] scores, double[] relevance, List<List<String>> matched,
                          boolean looser, int candidateCount, float[] look) {}

    /** How many word hits a query takes at most (beyond them BM25 adds nothing a shopper pages to). */
    static final int WORD_DEPTH = 1000;
    /** Reciprocal rank fusion's constant (Cormack, Clarke and Büttcher, SIGIR 2009, who found 60 near best). */
    static final int RRF_K = 60;

    private Ranked rank(VectorIndex idx, Query query, QueryText text, Mode mode, int self) {
        int n = idx.productTotal();
        WordSearch w = mode == Mode.LOOK ? wordsIfAny(idx) : wordsOrFail(idx);
        Set<String> excluded = w == null || text.unwanted().isEmpty() ? Set.of() : w.containingAny(text.unwanted());
        Set<String> required = w == null || text.required().isEmpty() ? null : w.containingAll(text.required());
        // the look: products by index with their best photo's row and exact score, best first, cut
        Map<Integer, double[]> fused = new LinkedHashMap<>(); // product -> rrf look, rrf words, bm25, look, row
        float[] q = null;
        boolean looser = false;
        if (mode != Mode.WORDS && idx.size() > 0) {
            q = queryVector(idx, query, text);
            // left out by the query itself, before the cut: the product asked about, and what the words rule out
            java.util.BitSet out = new java.util.BitSet(n);
            if (self >= 0) {
                out.set(self);
            }
            for (String id : excluded) {
                int p = idx.indexOf(id);
                if (p >= 0) {
                    out.set(p);
                }
            }
            java.util.BitSet in = null;
            if (required != null) {
                in = new java.util.BitSet(n);
                for (String id : required) {
                    int p = idx.indexOf(id);
                    if (p >= 0) {
                        in.set(p);
                    }
                }
            }
            Eligible eligible = out.isEmpty() && in == null ? null : new Eligible(out, in);
            VectorIndex.ScoredProducts top = idx.scoreTop(q, RelevanceCut.WINDOW, eligible);
            float cut = query.all() ? Float.NEGATIVE_INFINITY
                    : RelevanceCut.threshold(Arrays.copyOf(top.scores(), top.count()), top.count(),
                            settings.relativeFloor());
            VectorIndex.ScoredProducts kept = top;
            if (top.count() == RelevanceCut.WINDOW && top.scores()[top.count() - 1] >= cut) {
                kept = idx.scoreAtLeast(q, cut, eligible); // the cut falls beyond the window: find all above it
            }
            int count = 0;
            while (count < kept.count() && kept.scores()[count] >= cut) {
                count++;
            }
            for (int r = 0; r < count; r++) {
                fused.put(kept.products()[r], new double[] {1.0 / (RRF_K + r + 1), 0, 0, kept.scores()[r],
                        kept.rows()[r]});
            }
            looser = count < top.eligibleCount();
        }
        // order: look alone, words alone, or both fused by reciprocal rank
        if (mode != Mode.LOOK) {
            WordsCopy copy = wordsCopy;
            int[] productAt = copy != null && copy.idx() == idx ? copy.productAt() : null;
            int r = 0;
            for (WordHit h : wordHits(idx, w, text)) {
                int p = productAt != null && h.position() >= 0 ? productAt[h.position()] : idx.indexOf(h.productId());
                if (p < 0 || p == self || !idx.hasPhoto(p)) {
                    continue;
                }
                double[] f = fused.computeIfAbsent(p, k -> new double[] {0, 0, 0, Double.NEGATIVE_INFINITY, -1});
                f[1] = 1.0 / (RRF_K + ++r);
                f[2] = h.score();
            }
        }
        // the products only the words found score below the cut by look, so they follow every look product
        // their fused score ties with: their own look score is worked out only for what a page shows
        List<Integer> order = new ArrayList<>(fused.keySet());
        if (mode == Mode.BOTH) {
            // fused score, then look score: looked up once per candidate, not per comparison
            int c = order.size();
            double[] byFused = new double[c];
            double[] byLook = new double[c];
            Integer[] at = new Integer[c];
            for (int i = 0; i < c; i++) {
                double[] f = fused.get(order.get(i));
                byFused[i] = f[0] + f[1];
                byLook[i] = q == null ? 0 : f[3];
                at[i] = i;
            }
            Arrays.sort(at, (x, y) -> byFused[x] != byFused[y] ? Double.compare(byFused[y], byFused[x])
                    : Double.compare(byLook[y], byLook[x]));
            List<Integer> sorted = new ArrayList<>(c);
            for (Integer i : at) {
                sorted.add(order.get(i));
            }
            order = sorted;
        }
        // a query that is a SKU or a product's exact name puts that product first
        if (mode != Mode.LOOK && query.text() != null) {
            List<Integer> exact = new ArrayList<>();
            for (String id : w.exact(query.text().strip())) {
                int p = idx.indexOf(id);
                if (p >= 0 && p != self && idx.hasPhoto(p) && !excluded.contains(id)) {
                    exact.add(p);
                    fused.computeIfAbsent(p, k -> new double[] {0, 0, 0, Double.NEGATIVE_INFINITY, -1});
                }
            }
            order.removeAll(exact);
            order.addAll(0, exact);
        }
        int m = order.size();
        int[] products = new int[m];
        int[] rows = new int[m];
        float[] scores = new float[m];
        double[] relevance = new double[m];
        List<List<String>> matched = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int p = order.get(i);
            double[] f = fused.get(p);
            products[i] = p;
            boolean byLook = f[0] > 0;
            boolean byWords = f[1] > 0;
            if (f[4] >= 0) {
                rows[i] = (int) f[4];
                scores[i] = (float) f[3];
            } else if (q != null) {
                rows[i] = UNSCORED; // found by words (or an exact name) only: see scoreLazily
            } else {
                rows[i] = idx.firstRow(p);
                scores[i] = mode == Mode.WORDS ? (float) f[2] : 0f;
            }
            matched.add(byLook && byWords ? Match.LOOK_AND_WORDS : byWords ? Match.WORDS : Match.LOOK);
            relevance[i] = mode == Mode.BOTH ? f[0] + f[1] : mode == Mode.WORDS ? f[2] : scores[i];
        }
        return new Ranked(products, rows, scores, relevance, matched, looser, m, q);
    }

    /** A candidate's row before its look score is worked out. */
    private static final int UNSCORED = -2;

    /**
     * Works out the look score and best photo of the candidates at {@code positions} that only the words
     * found (one dot product per photo), in place: a page needs them, the ranking did not.
     */
    private static void scoreLazily(VectorIndex idx, Ranked ranked, List<Integer> positions) {
        List<Integer> todo = new ArrayList<>();
        for (int i : positions) {
            if (ranked.rows()[i] == UNSCORED) {
                todo.add(i);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        int[] ps = todo.stream().mapToInt(i -> ranked.products()[i]).toArray();
        float[] best = new float[ps.length];
        int[] bestRow = new int[ps.length];
        idx.scoreProducts(ranked.look(), ps, best, bestRow);
        for (int j = 0; j < ps.length; j++) {
            int i = todo.get(j);
            ranked.rows()[i] = bestRow[j] >= 0 ? bestRow[j] : idx.firstRow(ps[j]);
            ranked.scores()[i] = bestRow[j] >= 0 ? best[j] : 0f;
        }
    }

    /**
     * A product's lookalikes from its precomputed list, when the relevance cut falls inside the list (or
     * the list holds every product); null when only a scan can tell.
     */
    private Ranked fromLists(VectorIndex idx, int self, boolean all) {
        int[] ps = new int[RelevanceCut.WINDOW];
        int[] rs = new int[RelevanceCut.WINDOW];
        float[] ss = new float[RelevanceCut.WINDOW];
        int[] count = {0};
        Optional<Boolean> walked = idx.walkLookalikes(self, (q, row, score) -> {
            ps[count[0]] = q;
            rs[count[0]] = row;
            ss[count[0]] = score;
            count[0]++;
            return count[0] < RelevanceCut.WINDOW;
        });
        if (walked.isEmpty() || !walked.get()) {
            return null;
        }
        int c = count[0];
        boolean whole = c < RelevanceCut.WINDOW; // the list ran out: it holds every other product
        float cut = all ? Float.NEGATIVE_INFINITY : RelevanceCut.threshold(ss, c, settings.relativeFloor());
        int kept = 0;
        while (kept < c && ss[kept] >= cut) {
            kept++;
        }
        if (kept == c && !whole) {
            return null; // products beyond the list may still pass the cut
        }
        List<List<String>> matched = new ArrayList<>(java.util.Collections.nCopies(kept, Match.LOOK));
        float[] scores = Arrays.copyOf(ss, kept);
        double[] relevance = new double[kept];
        for (int i = 0; i < kept; i++) {
            relevance[i] = scores[i];
        }
        return new Ranked(Arrays.copyOf(ps, kept), Arrays.copyOf(rs, kept), scores, relevance, matched, kept < c, kept,
                null);
    }

    /** The query's look: the product's photo and/or the text, steered away from the unwanted words. */
    private float[] queryVector(VectorIndex idx, Query query, QueryText text) {
        float[] q = query.vector() == null ? null : query.vector().clone();
        if (query.like() != null) {
            q = idx.productVector(query.like()).orElseThrow(() -> noPhoto(query.like()));
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
        return Vectors.normalize(q);
    }

    /** Filters, counts, groups the items several shops sell, orders and pages the candidates. */
    private ResultPage assemble(VectorIndex idx, Ranked ranked, Query query, QueryText text, SearchFilter filter,
                                Product likeProduct, int limit, int offset) {
        FacetCounter counter = new FacetCounter(filter, facets().priceEdges());
        SameItems same = idx.sameItems();
        int m = ranked.candidateCount();
        List<Integer> kept = new ArrayList<>();
        java.util.BitSet groupsSeen = new java.util.BitSet();
        for (int i = 0; i < m; i++) {
            Product p = idx.productAt(ranked.products()[i]);
            counter.count(p);
            if (filter.accepts(p)) {
                int g = same.groupOf(ranked.products()[i]);
                if (!groupsSeen.get(g)) {
                    groupsSeen.set(g);
                    kept.add(i);
                }
            }
        }
        if (query.sort() != Sort.RELEVANCE) {
            Comparator<Integer> byPrice = Comparator.comparing(i -> fromPrice(idx, same, ranked.products()[i]),
                    Comparator.nullsLast(query.sort() == Sort.PRICE ? Comparator.<Double>naturalOrder()
                            : Comparator.<Double>reverseOrder()));
            kept.sort(byPrice);
        } else if (query.diverse() && kept.size() > 1) {
            int pool = Math.min(kept.size(), 3 * (offset + limit));
            scoreLazily(idx, ranked, kept.subList(0, pool));
            int[] poolRows = new int[pool];
            double[] relevance = new double[pool];
            for (int i = 0; i < pool; i++) {
                poolRows[i] = ranked.rows()[kept.get(i)];
                relevance[i] = ranked.relevance()[kept.get(i)];
            }
            float[][] vectors = idx.rowVectors(poolRows);
            int[] order = Diversity.order(vectors, relevance, Math.min(pool, offset + limit));
            List<Integer> reordered = new ArrayList<>(kept.size());
            for (int o : order) {
                reordered.add(kept.get(o));
            }
            reordered.addAll(kept.subList(pool, kept.size()));
            kept = reordered;
        }
        int total = kept.size();
        List<Integer> pageRows = kept.subList(Math.min(offset, total), Math.min(offset + limit, total));
        scoreLazily(idx, ranked, pageRows);
        Map<String, WordMatch> explained = Map.of();
        WordSearch w = wordsIfAny(idx);
        if (w != null && !text.wantedTerms().isEmpty() && query.mode() != Mode.LOOK && !pageRows.isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (int i : pageRows) {
                ids.add(idx.productAt(ranked.products()[i]).id());
            }
            explained = w.explain(text.wantedTerms(), ids);
        }
        int likeGroup = likeProduct == null ? -1 : same.groupOf(idx.indexOf(likeProduct.id()));
        List<Match> out = new ArrayList<>(pageRows.size());
        for (int i : pageRows) {
            int pi = ranked.products()[i];
            Product p = idx.productAt(pi);
            Double saving = null;
            Double percent = null;
            if (filter.cheaperThan() != null && p.price() != null) {
                saving = Math.round((filter.cheaperThan() - p.price()) * 100) / 100.0;
                percent = filter.cheaperThan() > 0 ? Math.round(1000 * (filter.cheaperThan() - p.price())
                        / filter.cheaperThan()) / 10.0 : null;
            }
            WordMatch words = explained.get(p.id());
            List<String> why = ranked.matched().get(i);
            out.add(new Match(p, idx.imageIdOfRow(ranked.rows()[i]), ranked.scores()[i], saving, percent, why, words,
                    offers(idx, same, pi), fromPrice(idx, same, pi),
                    likeProduct == null ? null : same.groupOf(pi) == likeGroup));
        }
        return new ResultPage(out, total > offset + limit, total, counter.result(), ranked.looser());
    }

    /** Every offer of the item product {@code p} belongs to: its currency's first, cheapest first. */
    private static List<Offer> offers(VectorIndex idx, SameItems same, int p) {
        Product shown = idx.productAt(p);
        List<Offer> out = new ArrayList<>();
        for (int q : same.members(same.groupOf(p))) {
            Product o = idx.productAt(q);
            out.add(new Offer(o.id(), o.shop(), o.price(), o.currency(), o.url()));
        }
        out.sort(Comparator.<Offer, Boolean>comparing(o -> !Objects.equals(o.currency(), shown.currency()))
                .thenComparing(Offer::price, Comparator.nullsLast(Comparator.naturalOrder())));
        return out;
    }

    /** The item's lowest price in product {@code p}'s currency, null when no offer in it has a price. */
    private static Double fromPrice(VectorIndex idx, SameItems same, int p) {
        Product shown = idx.productAt(p);
        Double min = null;
        for (int q : same.members(same.groupOf(p))) {
            Product o = idx.productAt(q);
            if (o.price() != null && Objects.equals(o.currency(), shown.currency()) && (min == null || o.price() < min)) {
                min = o.price();
            }
        }
        return min;
    }

    /**
     * The words index's best hits for the query's words, remembered (as text vectors are) until the index
     * reloads: BM25 scores every product that holds a word, which costs milliseconds when the words are
     * common, and shoppers repeat queries.
     */
    private List<WordHit> wordHits(VectorIndex idx, WordSearch w, QueryText text) {
        Object key = List.of(text.wantedTerms(), text.required(), text.unwanted());
        synchronized (wordCache) {
            if (wordCacheFor != idx) {
                wordCache.clear();
                wordCacheFor = idx;
            }
            List<WordHit> hits = wordCache.get(key);
            if (hits != null) {
                return hits;
            }
        }
        List<WordHit> hits = List.copyOf(w.search(text.wantedTerms(), text.required(), text.unwanted(), WORD_DEPTH));
        synchronized (wordCache) {
            if (wordCacheFor == idx && settings.textCacheSize() > 0) {
                wordCache.put(key, hits);
            }
        }
        return hits;
    }

    /** Forgets the remembered word hits (for benchmarks that time a first query). */
    public void forgetWordHits() {
        synchronized (wordCache) {
            wordCache.clear();
        }
    }

    /** A copy of the words index in memory, made for the vector index {@code idx}. */
    private record WordsCopy(VectorIndex idx, WordIndex words, int[] productAt) {}

    /** The largest catalogue whose words {@link #prepareWords} copies into memory (about 8 bytes a word). */
    public static final int WORDS_IN_MEMORY_LIMIT = 250_000;

    /**
     * Copies the catalogue's words index into memory for {@code idx}, so that queries on it ask the copy
     * (microseconds) rather than FTS5 (milliseconds for common words); until then, or when the catalogue
     * holds more than {@link #WORDS_IN_MEMORY_LIMIT} products or no words index, they ask FTS5. A server
     * calls this after each reload; a one-off command need not (copying costs more than one query).
     *
     * @return whether a copy is now in use for {@code idx}
     */
    public boolean prepareWords(VectorIndex idx) {
        WordsCopy copy = wordsCopy;
        if (copy != null && copy.idx() == idx) {
            return true;
        }
        ProductWords w = words.get();
        if (w == null || idx.productTotal() > WORDS_IN_MEMORY_LIMIT || !w.present()) {
            return false;
        }
        WordIndex inMemory = w.inMemory();
        int[] productAt = new int[inMemory.size()];
        for (int i = 0; i < productAt.length; i++) {
            productAt[i] = idx.indexOf(inMemory.productId(i));
        }
        wordsCopy = new WordsCopy(idx, inMemory, productAt);
        return true;
    }

    /** Whether queries on {@code idx} ask a copy of the words in memory ({@link #prepareWords} has run for it). */
    public boolean wordsInMemory(VectorIndex idx) {
        WordsCopy copy = wordsCopy;
        return copy != null && copy.idx() == idx;
    }

    /** The words to ask about {@code idx}: its copy in memory when prepared, else the FTS5 index; or null. */
    private WordSearch wordsIfAny(VectorIndex idx) {
        WordsCopy copy = wordsCopy;
        if (copy != null && copy.idx() == idx) {
            return copy.words();
        }
        ProductWords w = words.get();
        return w != null && w.present() ? w : null;
    }

    private WordSearch wordsOrFail(VectorIndex idx) {
        WordsCopy copy = wordsCopy;
        if (copy != null && copy.idx() == idx) {
            return copy.words();
        }
        ProductWords w = words.get();
        if (w == null) {
            throw new SearchException("no catalogue to search the words of: only mode=look works here");
        }
        if (!w.present()) {
            throw new SearchException("this catalogue has no words index, so only mode=look works: "
                    + "run lookalike reindex");
        }
        return w;
    }

    /** One page of products that look like the given product; see {@link #similar}. */
    public ResultPage similarPage(String productId, boolean cheaper, SearchFilter filter, int limit, int offset) {
        return search(new Query(null, productId, cheaper, filter), limit, offset);
    }

    /** One page of products whose photos best match a unit vector. */
    public ResultPage byVector(float[] vector, SearchFilter filter, int limit, int offset) {
        return search(Query.ofVector(vector, filter), limit, offset);
    }

    /** One page of products whose photos best match a unit vector, in the order and cut asked for. */
    public ResultPage byVector(float[] vector, SearchFilter filter, Sort sort, boolean all, boolean diverse,
                               int limit, int offset) {
        return search(Query.ofVector(vector, filter).with(Mode.LOOK, sort, all, diverse), limit, offset);
    }

    /**
     * The image tower's unit vector of a photo.
     *
     * @throws NotAnImageException when the bytes are not a photo Lookalike can read
     * @throws SearchException when no model is loaded
     */
    public float[] photoVector(byte[] bytes) {
        return photoVector(bytes, null);
    }

    /**
     * The image tower's unit vector of part of a photo: the crop is cut from the decoded original, before
     * the model's preprocessing (resize, centre crop) sees it.
     *
     * @param crop the part to embed, or null for the whole photo; clipped to the photo's edges
     * @throws NotAnImageException when the bytes are not a photo Lookalike can read
     * @throws SearchException when no model is loaded or the crop lies outside the photo
     */
    public float[] photoVector(byte[] bytes, Crop crop) {
        return embedPhoto(bytes, crop).vector();
    }

    /** A photo's unit vector with the size of the photo in pixels. */
    public record PhotoVector(float[] vector, int width, int height) {}

    /**
     * {@link #photoVector(byte[], Crop)} with the whole photo's width and height, from one decoding.
     *
     * @throws NotAnImageException when the bytes are not a photo Lookalike can read
     * @throws SearchException when no model is loaded or the crop lies outside the photo
     */
    public PhotoVector embedPhoto(byte[] bytes, Crop crop) {
        ClipModel m = model.get();
        if (m == null) {
            throw new SearchException("no model to embed photos with");
        }
        DecodedImage img = decodePhoto(bytes);
        java.awt.image.BufferedImage pixels = cropped(img, crop);
        ImagePreprocessor pre;
        synchronized (this) {
            if (preprocessor == null || !preprocessor.spec().equals(m.imageSpec())) {
                preprocessor = new ImagePreprocessor(m.imageSpec());
            }
            pre = preprocessor;
        }
        return new PhotoVector(m.embedPixels(List.of(pre.pixels(pixels)))[0], img.width(), img.height());
    }

    /** A photo as a JPEG of at most {@code maxSide} pixels a side, with the size of the original it came from. */
    public record Jpeg(int width, int height, byte[] bytes) {}

    /**
     * A smaller JPEG of a photo (or of part of it), to show: the search photo above its results, a product
     * photo at the size its box needs. Never larger than the original.
     *
     * @param crop the part to show, or null for the whole photo
     * @throws NotAnImageException when the bytes are not a photo Lookalike can read
     * @throws SearchException when the crop lies outside the photo
     */
    public Jpeg photoJpeg(byte[] bytes, Crop crop, int maxSide) {
        DecodedImage img = decodePhoto(bytes);
        return new Jpeg(img.width(), img.height(), ImageDecoder.thumbnailJpeg(cropped(img, crop), maxSide));
    }

    private DecodedImage decodePhoto(byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (ImageDecodeException e) {
            throw new NotAnImageException(e.getMessage());
        }
    }

    private static java.awt.image.BufferedImage cropped(DecodedImage img, Crop crop) {
        if (crop == null) {
            return img.image();
        }
        Crop c = crop.within(img.width(), img.height());
        // a copy, not getSubimage's view: the preprocessing reads the raster's buffer from its start
        java.awt.image.BufferedImage out = new java.awt.image.BufferedImage(c.width(), c.height(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.drawImage(img.image(), -c.x(), -c.y(), null);
        g.dispose();
        return out;
    }

    /**
     * The categories most products with photos belong to, most common first, for example queries.
     */
    public List<String> topCategories(int n) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (Product p : index.get().productsWithPhotos()) {
            if (p.category() != null && !p.category().isBlank()) {
                counts.merge(p.category().strip(), 1, Integer::sum);
            }
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    /**
     * Products with an embedded photo in catalogue order, for browsing without a query; each with its
     * first photo and score 0, an item several shops sell once.
     */
    public ResultPage browse(SearchFilter filter, int limit, int offset) {
        return browse(filter, Sort.RELEVANCE, limit, offset);
    }

    /** {@link #browse} in catalogue order ({@link Sort#RELEVANCE}) or by price. */
    public ResultPage browse(SearchFilter filter, Sort sort, int limit, int offset) {
        checkPage(limit, offset);
        VectorIndex idx = index.get();
        int n = idx.productTotal();
        int[] ps = new int[n];
        int[] rs = new int[n];
        int m = 0;
        for (int p = 0; p < n; p++) {
            if (idx.hasPhoto(p)) {
                ps[m] = p;
                rs[m] = idx.firstRow(p);
                m++;
            }
        }
        List<List<String>> matched = new ArrayList<>(java.util.Collections.nCopies(m, List.<String>of()));
        Ranked all = new Ranked(Arrays.copyOf(ps, m), Arrays.copyOf(rs, m), new float[m], new double[m], matched, false, m,
                null);
        Query query = new Query(null, null, false, filter, Mode.LOOK, sort, true, false, null);
        return assemble(idx, all, query, QueryText.parse(null), filter, null, limit, offset);
    }

    /**
     * The other shops' offers of the item this product is, cheapest first (its own currency's first);
     * empty when no other shop sells it or the product has no photo.
     *
     * @throws UnknownProductException when no product has that id
     */
    public List<Offer> otherOffers(String productId) {
        VectorIndex idx = index.get();
        int p = idx.indexOf(productId);
        if (p < 0) {
            throw new UnknownProductException(productId);
        }
        if (!idx.hasPhoto(p)) {
            return List.of();
        }
        return offers(idx, idx.sameItems(), p).stream().filter(o -> !o.productId().equals(productId)).toList();
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
