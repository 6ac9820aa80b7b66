package dev.lookalike.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The words index's postings copied into memory once, so that a query's words cost microseconds, not the
 * milliseconds FTS5 spends scoring every product that holds a common word: a snapshot of
 * {@link ProductWords}'s index, answering the same questions with the same products.
 *
 * <p>Nothing here re-implements SQLite's tokenizer. The postings come from the index itself (an
 * {@code fts5vocab} table of kind {@code instance}: every token of every row with its column and offset,
 * <a href="https://www.sqlite.org/fts5.html#the_fts5vocab_virtual_table_module">sqlite.org/fts5.html</a>),
 * and each query term is tokenized by an FTS5 table of the same tokenizer in the connection's
 * {@code temp} schema (writable even when the catalogue is open read-only), then remembered.
 *
 * <p>Scores follow FTS5's {@code bm25()} (its {@code fts5_aux.c}: k1 = 1.2, b = 0.75, IDF
 * {@code log((N - n + 0.5) / (n + 0.5))} raised to 1e-6 when not positive, a term's frequency the sum of
 * its columns' weights, the document length every token of the row) summed over the wanted and required
 * terms, so a query of plain words scores exactly as {@link ProductWords#search}. A term found in a field
 * only in its hyphen-joined form ({@code tshirt} in T-Shirt) counts its joined instances; FTS5, asked
 * through three phrases there, weighs such a term slightly differently, so those scores may differ while
 * the products found stay the same.
 *
 * <p>A snapshot: it does not see later changes to the catalogue (search reloads it with the vector index).
 * {@link #explain} and {@link #exact} read the few products they report on from the catalogue, and fail
 * with {@link CatalogException} as {@link ProductWords} does.
 */
public final class WordIndex implements WordSearch {

    private static final double K1 = 1.2;
    private static final double B = 0.75;
    /** Bits of a posting key for the token's offset within its column, and for the column. */
    private static final int OFFSET_BITS = 20;
    private static final int COLUMN_BITS = 4;
    private static final int DOC_SHIFT = OFFSET_BITS + COLUMN_BITS;
    private static final long MAX_OFFSET = (1L << OFFSET_BITS) - 1;
    private static final int OWN_COLUMNS = ProductWords.FIELDS.size();
    /** The columns whose whole value {@link #exact} compares: name, sku and their joined forms. */
    private static final int[] EXACT_COLUMNS = {0, 4, 5, 8};
    /** Query terms tokenized and remembered, at most this many. */
    private static final int TOKEN_CACHE = 10_000;
    private static final String QUERY_TABLE = "temp.lookalike_query_words";
    private static final String QUERY_VOCAB = "temp.lookalike_query_vocab";
    private static final String INDEX_VOCAB = "temp.lookalike_words_vocab";

    private final CatalogDb db;
    /** Per document (the products in rowid order): its product id and rowid. */
    private final String[] ids;
    private final long[] rowids;
    private final Map<String, Integer> docOf;
    /** Per document: its tokens in every column (FTS5's document length). */
    private final int[] length;
    private final double averageLength;
    /** Per term: its instances as sorted keys doc << 24 | column << 20 | offset. */
    private final Map<String, long[]> postings;
    /** Per {@link #EXACT_COLUMNS} column, per document: its token count (at most 255). */
    private final byte[][] exactLength;
    /** Whether this connection's temp schema holds the query tokenizer's tables yet. */
    private boolean tokenizerReady;
    private final Map<String, String[]> tokens = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String[]> eldest) {
            return size() > TOKEN_CACHE;
        }
    };

    private WordIndex(CatalogDb db, String[] ids, long[] rowids, int[] length, Map<String, long[]> postings,
                      byte[][] exactLength) {
        this.db = db;
        this.ids = ids;
        this.rowids = rowids;
        this.length = length;
        this.postings = postings;
        this.exactLength = exactLength;
        this.docOf = new HashMap<>(ids.length * 2);
        for (int d = 0; d < ids.length; d++) {
            docOf.put(ids[d], d);
        }
        long total = 0;
        for (int l : length) {
            total += l;
        }
        this.averageLength = ids.length == 0 ? 1 : Math.max(1e-9, (double) total / ids.length);
    }

    /**
     * Copies the catalogue's words index into memory.
     *
     * @throws CatalogException when the index is missing or cannot be read
     */
    static WordIndex load(CatalogDb db) {
        synchronized (db) {
            return db.query(() -> {
                List<String> idList = new ArrayList<>();
                List<Long> rowidList = new ArrayList<>();
                try (Statement st = db.connection().createStatement();
                     ResultSet rs = st.executeQuery("SELECT rowid, id FROM products WHERE removed_at IS NULL "
                             + "ORDER BY rowid")) {
                    while (rs.next()) {
                        rowidList.add(rs.getLong(1));
                        idList.add(rs.getString(2));
                    }
                }
                int n = idList.size();
                long[] rowids = new long[n];
                for (int d = 0; d < n; d++) {
                    rowids[d] = rowidList.get(d);
                }
                int[] length = new int[n];
                byte[][] exactLength = new byte[EXACT_COLUMNS.length][n];
                int[] exactSlot = new int[ProductWords.COLUMNS.size()];
                Arrays.fill(exactSlot, -1);
                for (int i = 0; i < EXACT_COLUMNS.length; i++) {
                    exactSlot[EXACT_COLUMNS[i]] = i;
                }
                Map<String, Integer> columnOf = new HashMap<>();
                for (int c = 0; c < ProductWords.COLUMNS.size(); c++) {
                    columnOf.put(ProductWords.COLUMNS.get(c), c);
                }
                Map<String, long[]> postings = new HashMap<>();
                try (Statement st = db.connection().createStatement()) {
                    st.execute("CREATE VIRTUAL TABLE IF NOT EXISTS " + INDEX_VOCAB + " USING fts5vocab(main, "
                            + ProductWords.TABLE + ", instance)");
                    // the vocabulary walks the index term by term, each term's rows in rowid order
                    try (ResultSet rs = st.executeQuery("SELECT term, doc, col, offset FROM " + INDEX_VOCAB)) {
                        String term = null;
                        long[] keys = new long[16];
                        int count = 0;
                        int doc = -1;
                        long lastRowid = Long.MIN_VALUE;
                        while (rs.next()) {
                            String t = rs.getString(1);
                            long rowid = rs.getLong(2);
                            if (!t.equals(term)) {
                                if (term != null) {
                                    postings.put(term, sorted(keys, count));
                                }
                                term = t;
                                count = 0;
                                lastRowid = Long.MIN_VALUE;
                            }
                            if (rowid != lastRowid) {
                                doc = Arrays.binarySearch(rowids, rowid);
                                lastRowid = rowid;
                            }
                            if (doc < 0) {
                                continue; // not a live product: the index is out of step, and this row is not shown
                            }
                            int column = columnOf.getOrDefault(rs.getString(3), -1);
                            if (column < 0) {
                                continue;
                            }
                            long offset = Math.min(MAX_OFFSET, rs.getLong(4));
                            if (count == keys.length) {
                                keys = Arrays.copyOf(keys, count * 2);
                            }
                            keys[count++] = (long) doc << DOC_SHIFT | (long) column << OFFSET_BITS | offset;
                            length[doc]++;
                            int slot = exactSlot[column];
                            if (slot >= 0 && exactLength[slot][doc] != (byte) 255) {
                                exactLength[slot][doc]++;
                            }
                        }
                        if (term != null) {
                            postings.put(term, sorted(keys, count));
                        }
                    }
                }
                return new WordIndex(db, idList.toArray(String[]::new), rowids, length, postings, exactLength);
            });
        }
    }

    private static long[] sorted(long[] keys, int count) {
        long[] out = Arrays.copyOf(keys, count);
        Arrays.sort(out);
        return out;
    }

    /** The id of the product at {@code position} (a {@link WordHit#position}), 0 to {@link #size} - 1. */
    public String productId(int position) {
        return ids[position];
    }

    /** How many products the snapshot holds. */
    public int size() {
        return ids.length;
    }

    // ---------------------------------------------------------------- questions

    @Override
    public List<WordHit> search(List<String> wanted, List<String> required, List<String> unwanted, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<Term> want = terms(wanted);
        if (want.isEmpty()) {
            return List.of();
        }
        List<Term> with = terms(required);
        double[] score = new double[ids.length];
        boolean[] candidate = new boolean[ids.length];
        int[] touched = new int[ids.length];
        int touchedCount = 0;
        for (Term t : want) {
            for (int d : t.docs) {
                if (!candidate[d]) {
                    candidate[d] = true;
                    touched[touchedCount++] = d;
                }
            }
        }
        for (Term t : with) {
            boolean[] holds = new boolean[ids.length];
            for (int d : t.docs) {
                holds[d] = true;
            }
            for (int i = 0; i < touchedCount; i++) {
                candidate[touched[i]] &= holds[touched[i]];
            }
        }
        for (String id : containingAny(unwanted)) {
            candidate[docOf.get(id)] = false;
        }
        // each wanted and each required term adds its BM25 part, as each is one phrase of FTS5's query
        List<Term> scored = new ArrayList<>(want);
        scored.addAll(with);
        for (Term t : scored) {
            double idf = Math.log((ids.length - t.docs.length + 0.5) / (t.docs.length + 0.5));
            if (idf <= 0) {
                idf = 1e-6;
            }
            for (int i = 0; i < t.docs.length; i++) {
                int d = t.docs[i];
                if (candidate[d]) {
                    double f = t.frequency[i];
                    score[d] += idf * ((f * (K1 + 1)) / (f + K1 * (1 - B + B * length[d] / averageLength)));
                }
            }
        }
        // the best `limit`, best first, ties in catalogue order: a heap whose root is the worst kept
        int[] heap = new int[Math.min(limit, touchedCount)];
        int size = 0;
        for (int i = 0; i < touchedCount; i++) {
            int d = touched[i];
            if (!candidate[d]) {
                continue;
            }
            if (size < heap.length) {
                heap[size] = d;
                siftUp(heap, size++, score);
            } else if (better(d, heap[0], score)) {
                heap[0] = d;
                siftDown(heap, size, score);
            }
        }
        WordHit[] out = new WordHit[size];
        while (size > 0) {
            int worst = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, score);
            out[size] = new WordHit(ids[worst], score[worst], worst);
        }
        return Arrays.asList(out);
    }

    /** Whether document {@code a} ranks before {@code b}: higher score, then earlier in the catalogue. */
    private static boolean better(int a, int b, double[] score) {
        return score[a] != score[b] ? score[a] > score[b] : a < b;
    }

    private static void siftUp(int[] heap, int i, double[] score) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!better(heap[parent], heap[i], score)) {
                return;
            }
            int t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
    }

    private static void siftDown(int[] heap, int size, double[] score) {
        int i = 0;
        while (true) {
            int worst = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < size && better(heap[worst], heap[l], score)) {
                worst = l;
            }
            if (r < size && better(heap[worst], heap[r], score)) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            int t = heap[worst];
            heap[worst] = heap[i];
            heap[i] = t;
            i = worst;
        }
    }

    @Override
    public Set<String> containingAll(List<String> phrases) {
        List<Term> all = terms(phrases);
        if (all.isEmpty()) {
            return Set.of(ids);
        }
        int[] count = new int[ids.length];
        for (Term t : all) {
            for (int d : t.docs) {
                count[d]++;
            }
        }
        Set<String> out = new HashSet<>();
        for (int d = 0; d < ids.length; d++) {
            if (count[d] == all.size()) {
                out.add(ids[d]);
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public Set<String> containingAny(List<String> words) {
        Set<String> out = new HashSet<>();
        for (Term t : terms(words)) {
            for (int d : t.docs) {
                out.add(ids[d]);
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public Map<String, WordMatch> explain(List<String> wanted, Collection<String> productIds) {
        List<Term> want = terms(wanted);
        List<Integer> docs = new ArrayList<>();
        for (String id : new LinkedHashSet<>(productIds)) {
            Integer d = docOf.get(id);
            if (d != null) {
                docs.add(d);
            }
        }
        if (want.isEmpty() || docs.isEmpty()) {
            return Map.of();
        }
        // per document, per term: the instances where the term starts (joined forms only where FTS5 marks them)
        Map<Integer, long[][]> starts = new LinkedHashMap<>();
        for (int d : docs) {
            long[][] perTerm = new long[want.size()][];
            boolean any = false;
            for (int t = 0; t < want.size(); t++) {
                perTerm[t] = want.get(t).startsIn(d, postings);
                any |= perTerm[t].length > 0;
            }
            if (any) {
                starts.put(d, perTerm);
            }
        }
        Map<Integer, String[]> text = texts(starts.keySet());
        Map<String, WordMatch> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, long[][]> e : starts.entrySet()) {
            String[] fields = text.get(e.getKey());
            if (fields == null) {
                continue;
            }
            boolean[] hit = new boolean[OWN_COLUMNS];
            List<String> words = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            long[][] perTerm = e.getValue();
            for (int t = 0; t < perTerm.length; t++) {
                Place first = null;
                for (long key : perTerm[t]) {
                    int column = column(key);
                    int field = ProductWords.FIELD_OF_COLUMN[column];
                    hit[field] = true;
                    Place place = place(fields[field], column >= OWN_COLUMNS, field, (int) (key & MAX_OFFSET),
                            want.get(t).tokens.length);
                    if (first == null || place.before(first)) {
                        first = place;
                    }
                }
                if (first != null && first.word() != null && seen.add(first.word().toLowerCase(Locale.ROOT))) {
                    words.add(first.word());
                }
            }
            List<String> names = new ArrayList<>();
            for (int f = 0; f < hit.length; f++) {
                if (hit[f]) {
                    names.add(ProductWords.FIELDS.get(f));
                }
            }
            out.put(ids[e.getKey()], new WordMatch(names, words));
        }
        return out;
    }

    @Override
    public List<String> exact(String text) {
        String cleaned = ProductWords.clean(text);
        if (!ProductWords.hasWord(cleaned)) {
            return List.of();
        }
        String[] tokens = tokenize(cleaned);
        long[] first = tokens.length == 0 ? null : postings.get(tokens[0]);
        if (first == null) {
            return List.of();
        }
        // candidates: the text's tokens are the whole of the name, the sku or one of their joined forms, so
        // its first token stands first there and the field holds as many tokens (checked before the rest)
        Set<Integer> candidates = new HashSet<>();
        for (long key : first) {
            if ((key & MAX_OFFSET) != 0) {
                continue;
            }
            int slot = Arrays.binarySearch(EXACT_COLUMNS, column(key));
            int d = (int) (key >>> DOC_SHIFT);
            if (slot >= 0 && Byte.toUnsignedInt(exactLength[slot][d]) == tokens.length
                    && continues(tokens, key, postings)) {
                candidates.add(d);
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        String spaced = ProductWords.fold(cleaned, false);
        String joined = ProductWords.fold(cleaned, true);
        List<String> bySku = new ArrayList<>();
        List<String> byName = new ArrayList<>();
        for (Map.Entry<Integer, String[]> e : texts(candidates).entrySet()) {
            String[] fields = e.getValue();
            if (ProductWords.equalFolded(fields[4], spaced, joined)) {
                bySku.add(ids[e.getKey()]);
            } else if (ProductWords.equalFolded(fields[0], spaced, joined)) {
                byName.add(ids[e.getKey()]);
            }
        }
        bySku.sort(null);
        byName.sort(null);
        bySku.addAll(byName);
        return bySku;
    }

    // ---------------------------------------------------------------- terms

    /**
     * A query term: its tokens, and the documents that hold them in a row within one column, each with its
     * frequency as BM25 counts it (the weighted instances in the fields, or in the joined forms when the
     * fields hold none).
     */
    private static final class Term {
        final String[] tokens;
        final int[] docs;
        final double[] frequency;
        /** Whether some product holds the term only in a joined form: FTS5 then marks joined forms too. */
        final boolean joinedOnlySomewhere;

        Term(String[] tokens, int[] docs, double[] frequency, boolean joinedOnlySomewhere) {
            this.tokens = tokens;
            this.docs = docs;
            this.frequency = frequency;
            this.joinedOnlySomewhere = joinedOnlySomewhere;
        }

        /**
         * The instances in document {@code d} where the term starts, as {@link ProductWords#explain} marks
         * them: in the fields, and in the joined forms when some product holds the term only there.
         */
        long[] startsIn(int d, Map<String, long[]> postings) {
            long[] all = allStartsIn(d, postings);
            if (joinedOnlySomewhere) {
                return all;
            }
            int own = 0;
            for (long key : all) {
                if (column(key) < OWN_COLUMNS) {
                    all[own++] = key;
                }
            }
            return Arrays.copyOf(all, own);
        }

        /** Every instance in document {@code d} where the term starts, fields and joined forms alike. */
        long[] allStartsIn(int d, Map<String, long[]> postings) {
            long[] first = postings.get(tokens[0]);
            if (first == null) {
                return new long[0];
            }
            int from = lowerBound(first, (long) d << DOC_SHIFT);
            int to = lowerBound(first, (long) (d + 1) << DOC_SHIFT);
            long[] out = new long[to - from];
            int n = 0;
            for (int i = from; i < to; i++) {
                if (continues(tokens, first[i], postings)) {
                    out[n++] = first[i];
                }
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
    }

    /** Whether the tokens after the first follow its instance {@code key}, one by one, in the same column. */
    private static boolean continues(String[] tokens, long key, Map<String, long[]> postings) {
        for (int k = 1; k < tokens.length; k++) {
            long next = key + k;
            long[] keys = postings.get(tokens[k]);
            if ((next & MAX_OFFSET) < (key & MAX_OFFSET) || keys == null || Arrays.binarySearch(keys, next) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int column(long key) {
        return (int) (key >>> OFFSET_BITS & ((1 << COLUMN_BITS) - 1));
    }

    private List<Term> terms(List<String> raw) {
        List<Term> out = new ArrayList<>();
        for (String t : ProductWords.usable(raw)) {
            Term term = term(t);
            if (term != null) {
                out.add(term);
            }
        }
        return out;
    }

    /** The term's documents, or null when it holds no token; a term no product holds has none. */
    private Term term(String text) {
        String[] tokens = tokenize(text);
        if (tokens.length == 0) {
            return null;
        }
        for (String token : tokens) {
            if (!postings.containsKey(token)) {
                return new Term(tokens, new int[0], new double[0], false);
            }
        }
        long[] first = postings.get(tokens[0]);
        int[] docs = new int[16];
        double[] frequency = new double[16];
        int n = 0;
        int i = 0;
        boolean joinedOnly = false;
        while (i < first.length) {
            int d = (int) (first[i] >>> DOC_SHIFT);
            double own = 0;
            double joined = 0;
            for (; i < first.length && (int) (first[i] >>> DOC_SHIFT) == d; i++) {
                if (tokens.length == 1 || continues(tokens, first[i], postings)) {
                    int column = column(first[i]);
                    if (column < OWN_COLUMNS) {
                        own += ProductWords.COLUMN_WEIGHTS[column];
                    } else {
                        joined += ProductWords.COLUMN_WEIGHTS[column];
                    }
                }
            }
            if (own > 0 || joined > 0) {
                if (n == docs.length) {
                    docs = Arrays.copyOf(docs, n * 2);
                    frequency = Arrays.copyOf(frequency, n * 2);
                }
                docs[n] = d;
                frequency[n++] = own > 0 ? own : joined;
                joinedOnly |= own == 0;
            }
        }
        return new Term(tokens, Arrays.copyOf(docs, n), Arrays.copyOf(frequency, n), joinedOnly);
    }

    /** The term's tokens as the index's tokenizer makes them, in order. */
    private String[] tokenize(String text) {
        synchronized (tokens) {
            String[] known = tokens.get(text);
            if (known != null) {
                return known;
            }
        }
        String[] out;
        synchronized (db) {
            out = db.query(() -> {
                if (!tokenizerReady) {
                    try (Statement st = db.connection().createStatement()) {
                        st.execute("CREATE VIRTUAL TABLE IF NOT EXISTS " + QUERY_TABLE + " USING fts5(q, tokenize='"
                                + ProductWords.TOKENIZER + "')");
                        st.execute("CREATE VIRTUAL TABLE IF NOT EXISTS " + QUERY_VOCAB + " USING fts5vocab(temp, "
                                + QUERY_TABLE.substring("temp.".length()) + ", instance)");
                    }
                    tokenizerReady = true;
                }
                try (PreparedStatement insert = db.connection().prepareStatement(
                        "INSERT INTO " + QUERY_TABLE + "(rowid, q) VALUES (1, ?)");
                     PreparedStatement select = db.connection().prepareStatement(
                             "SELECT term FROM " + QUERY_VOCAB + " ORDER BY offset");
                     Statement delete = db.connection().createStatement()) {
                    insert.setString(1, text);
                    insert.executeUpdate();
                    try {
                        List<String> list = new ArrayList<>();
                        try (ResultSet rs = select.executeQuery()) {
                            while (rs.next()) {
                                list.add(rs.getString(1));
                            }
                        }
                        return list.toArray(String[]::new);
                    } finally {
                        delete.execute("DELETE FROM " + QUERY_TABLE);
                    }
                }
            });
        }
        synchronized (tokens) {
            tokens.put(text, out);
        }
        return out;
    }

    private static int lowerBound(long[] keys, long key) {
        int i = Arrays.binarySearch(keys, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && keys[i - 1] == key) {
            i--;
        }
        return i;
    }

    // ---------------------------------------------------------------- places

    /** The products' five fields as written, by document. */
    private Map<Integer, String[]> texts(Collection<Integer> docs) {
        Map<Long, Integer> docOfRowid = new HashMap<>();
        for (int d : docs) {
            docOfRowid.put(rowids[d], d);
        }
        List<Long> all = List.copyOf(docOfRowid.keySet());
        Map<Integer, String[]> out = new HashMap<>();
        synchronized (db) {
            db.query(() -> {
                for (int from = 0; from < all.size(); from += 500) {
                    List<Long> chunk = all.subList(from, Math.min(all.size(), from + 500));
                    try (PreparedStatement ps = db.connection().prepareStatement("SELECT rowid, name, brand, "
                            + "category, description, sku FROM products WHERE rowid IN ("
                            + "?,".repeat(chunk.size() - 1) + "?)")) {
                        for (int i = 0; i < chunk.size(); i++) {
                            ps.setLong(i + 1, chunk.get(i));
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.put(docOfRowid.get(rs.getLong(1)), new String[] {rs.getString(2),
                                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)});
                            }
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    /** Where a term first occurs in a product: field, then character offset; {@code word} as written or null. */
    private record Place(int field, int offset, String word) {
        boolean before(Place other) {
            return field != other.field ? field < other.field : offset < other.offset;
        }
    }

    /**
     * The {@code count} tokens from token {@code offset} of a field (or of its joined form: the field less its
     * hyphens, mapped back onto the field as written), found by unicode61's rule for where tokens start and
     * end: letters, digits and private-use characters make tokens, everything else separates them.
     */
    private static Place place(String original, boolean joined, int field, int offset, int count) {
        if (original == null) {
            return new Place(field, Integer.MAX_VALUE, null);
        }
        int[] keptAt = new int[original.length()];
        StringBuilder text = new StringBuilder(original.length());
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            if (!joined || ProductWords.HYPHENS.indexOf(c) < 0) {
                keptAt[text.length()] = i;
                text.append(c);
            }
        }
        int token = -1;
        int start = -1;
        int end = -1;
        boolean inside = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean word = ProductWords.hasWord(Character.toString(cp));
            if (word && !inside) {
                token++;
                if (token == offset) {
                    start = i;
                }
            }
            if (word && token >= offset && token < offset + count) {
                end = next;
            }
            inside = word;
            i = next;
        }
        if (start < 0 || end < 0) {
            return new Place(field, Integer.MAX_VALUE, null);
        }
        int from = keptAt[start];
        int to = keptAt[end - 1] + 1;
        return new Place(field, from, original.substring(from, to));
    }
}
