package dev.lookalike.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.text.Normalizer;
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
import java.util.regex.Pattern;

/**
 * The words side of search: an SQLite FTS5 index over each product's name, brand, category, description and
 * SKU ({@code db/V004__words.sql}), kept in step with the products table by triggers, ranked by BM25. Words
 * match with case and diacritics folded ({@code cafe} finds Café), English plurals stemmed ({@code hoodies}
 * finds Hoodie), ™ ® © ignored, and hyphens either kept as a word break or taken out ({@code t-shirt},
 * {@code "t shirt"}, {@code tshirt} and {@code shirt} all find T-Shirt; descriptions only the first, second
 * and fourth).
 *
 * <p>Every term a caller passes is searched as one FTS5 string (a phrase when it holds several words): no
 * text can reach FTS5 as query syntax, and a term with no word in it ({@code ™}, {@code *}, an emoji) is
 * dropped. BM25 weighs a word in the SKU 8, the name 4, the brand 3, the category 2 and the description 1;
 * a word found only in a field's hyphen-joined form counts as found in that field, and a word found in both
 * forms counts once.
 *
 * <p>Products marked removed are never found. Shares the catalogue's connection and lock, as
 * {@link CrawlStore} does. Every method throws {@link CatalogException} when the catalogue cannot be read,
 * or when the index is missing ({@link #present} is false): the message then says to run
 * {@code lookalike reindex}.
 */
public final class ProductWords implements WordSearch {

    /** The FTS5 table. */
    static final String TABLE = "product_words";
    /** The migration that defines the index (view, table, triggers), run again by {@link #rebuild}. */
    static final String SCHEMA = "V004__words.sql";
    /** What {@link #present} looks for, as {@code type name}: the index, its shadow tables, view and triggers. */
    private static final List<String> SCHEMA_OBJECTS = List.of("table product_words", "table product_words_data",
            "table product_words_idx", "table product_words_docsize", "table product_words_config",
            "view product_words_content", "trigger product_words_insert", "trigger product_words_update",
            "trigger product_words_delete");

    /** The fields a {@link WordMatch} names, in the index's column order. */
    static final List<String> FIELDS = List.of("name", "brand", "category", "description", "sku");
    /** For each FTS column (the five fields, then name, brand, category and sku joined), its field. */
    static final int[] FIELD_OF_COLUMN = {0, 1, 2, 3, 4, 0, 1, 2, 4};
    /** The FTS columns, in the index's order (as {@code db/V004__words.sql} declares them). */
    static final List<String> COLUMNS = List.of("name", "brand", "category", "description", "sku", "name_joined",
            "brand_joined", "category_joined", "sku_joined");
    /** BM25 weight of each FTS column: a joined form weighs what its field does. */
    static final double[] COLUMN_WEIGHTS = {4.0, 3.0, 2.0, 1.0, 8.0, 4.0, 3.0, 2.0, 8.0};
    private static final String WEIGHTS = String.join(", ",
            Arrays.stream(COLUMN_WEIGHTS).mapToObj(Double::toString).toList());
    /** The index's tokenizer, as {@code db/V004__words.sql} declares it. */
    static final String TOKENIZER = "porter unicode61 remove_diacritics 2";
    private static final String FIELD_COLUMNS = "{name brand category description sku}";
    private static final String JOINED_COLUMNS = "{name_joined brand_joined category_joined sku_joined}";
    private static final String EXACT_COLUMNS = "{name sku name_joined sku_joined}";
    /** The characters the index's view takes out of a field to make its joined form. */
    static final String HYPHENS = "-\u2010\u2011";
    /** Ids per {@code IN (…)}, far below SQLite's limit on parameters. */
    private static final int CHUNK = 500;
    private static final char OPEN = '\u0001';
    private static final char CLOSE = '\u0002';

    private final CatalogDb db;

    ProductWords(CatalogDb db) {
        this.db = db;
    }

    /**
     * Live products whose text holds any of the {@code wanted} terms (each a word, or several words that must
     * stand together as a phrase), holding every {@code required} phrase and none of the {@code unwanted}
     * words or phrases; best first (ties in catalogue order), at most {@code limit}. Empty when no wanted term
     * holds a word. A required or unwanted term that holds no word constrains nothing.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    @Override
    public List<WordHit> search(List<String> wanted, List<String> required, List<String> unwanted, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<String> want = usable(wanted);
        if (want.isEmpty()) {
            return List.of();
        }
        List<String> with = usable(required);
        List<String> without = usable(unwanted);
        // the index holds live products only: rank it alone, then look up the ids of the best
        String sql = "SELECT p.id, f.r FROM (SELECT rowid, bm25(" + TABLE + ", " + WEIGHTS + ") AS r FROM " + TABLE
                + " WHERE " + TABLE + " MATCH ? ORDER BY r, rowid LIMIT ?) f JOIN products p ON p.rowid = f.rowid "
                + "WHERE p.removed_at IS NULL ORDER BY f.r, f.rowid";
        synchronized (db) {
            return db.query(() -> {
                Map<String, String> scored = new HashMap<>();
                StringBuilder match = new StringBuilder("(");
                for (int i = 0; i < want.size(); i++) {
                    match.append(i == 0 ? "" : " OR ").append(scored(want.get(i), scored));
                }
                match.append(')');
                for (String r : with) {
                    match.append(" AND ").append(scored(r, scored));
                }
                String expression = without.isEmpty() ? match.toString()
                        : "(" + match + ") NOT (" + anyOf(without) + ")";
                List<WordHit> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                    ps.setString(1, expression);
                    ps.setInt(2, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new WordHit(rs.getString(1), -rs.getDouble(2)));
                        }
                    }
                }
                return out;
            });
        }
    }

    /**
     * Live product ids whose text holds every one of the phrases (to keep only the look-only hits that hold
     * a query's "quoted words"). Phrases with no word in them are ignored, so with none left this is every
     * live product.
     */
    @Override
    public Set<String> containingAll(List<String> phrases) {
        List<String> all = usable(phrases);
        if (all.isEmpty()) {
            return ids("SELECT id FROM products WHERE removed_at IS NULL", null);
        }
        return matching(String.join(" AND ", all.stream().map(ProductWords::phrase).toList()));
    }

    /**
     * Live product ids whose text holds any of the words or phrases (to drop the look-only hits that hold a
     * query's {@code -word}); empty when none of them holds a word.
     */
    @Override
    public Set<String> containingAny(List<String> words) {
        List<String> any = usable(words);
        return any.isEmpty() ? Set.of() : matching(anyOf(any));
    }

    /**
     * For each of {@code productIds} whose text holds any of the {@code wanted} terms (as {@link #search} finds
     * them, so live products only): the fields that hold one, in the order name, brand, category,
     * description, sku, and, for each term in query order, the first place the product writes it (fields in
     * that order, then left to right), as written: {@code Hoodie} for {@code hoodies}, {@code T-Shirt} for
     * {@code tshirt}, {@code Oil Rubbed} for {@code "oil rubbed"}; a word already listed (ignoring case) is
     * not listed again. Ids that match nothing (or do not exist) are absent; the map follows the order of
     * {@code productIds}.
     */
    @Override
    public Map<String, WordMatch> explain(List<String> wanted, Collection<String> productIds) {
        List<String> want = usable(wanted);
        List<String> ids = List.copyOf(new LinkedHashSet<>(productIds));
        if (want.isEmpty() || ids.isEmpty()) {
            return Map.of();
        }
        // per id: which fields hold a term, and each term's first place (null when it does not occur)
        Map<String, boolean[]> fields = new LinkedHashMap<>();
        Map<String, Place[]> places = new LinkedHashMap<>();
        StringBuilder highlights = new StringBuilder();
        for (int c = 0; c < FIELD_OF_COLUMN.length; c++) {
            highlights.append(", highlight(").append(TABLE).append(", ").append(c).append(", char(1), char(2))");
        }
        synchronized (db) {
            db.query(() -> {
                Map<String, String> scored = new HashMap<>();
                for (int from = 0; from < ids.size(); from += CHUNK) {
                    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                    String in = "(" + "?,".repeat(chunk.size() - 1) + "?)";
                    // the products' text as written, by rowid (the index's key)
                    Map<Long, String> idOf = new HashMap<>();
                    Map<Long, String[]> textOf = new HashMap<>();
                    try (PreparedStatement ps = db.connection().prepareStatement("SELECT rowid, id, name, brand, "
                            + "category, description, sku FROM products WHERE id IN " + in)) {
                        for (int i = 0; i < chunk.size(); i++) {
                            ps.setString(i + 1, chunk.get(i));
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                idOf.put(rs.getLong(1), rs.getString(2));
                                textOf.put(rs.getLong(1), new String[] {rs.getString(3), rs.getString(4),
                                        rs.getString(5), rs.getString(6), rs.getString(7)});
                            }
                        }
                    }
                    if (idOf.isEmpty()) {
                        continue;
                    }
                    List<Long> rowids = List.copyOf(idOf.keySet());
                    // "+rowid": FTS5 walks the term's matches once instead of seeking each rowid (5x faster for 20)
                    String sql = "SELECT rowid" + highlights + " FROM " + TABLE + " WHERE " + TABLE
                            + " MATCH ? AND +rowid IN (" + "?,".repeat(rowids.size() - 1) + "?)";
                    try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                        for (int t = 0; t < want.size(); t++) {
                            ps.setString(1, scored(want.get(t), scored));
                            for (int i = 0; i < rowids.size(); i++) {
                                ps.setLong(i + 2, rowids.get(i));
                            }
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    String id = idOf.get(rs.getLong(1));
                                    String[] text = textOf.get(rs.getLong(1));
                                    boolean[] hit = fields.computeIfAbsent(id, k -> new boolean[FIELDS.size()]);
                                    Place[] first = places.computeIfAbsent(id, k -> new Place[want.size()]);
                                    for (int c = 0; c < FIELD_OF_COLUMN.length; c++) {
                                        int field = FIELD_OF_COLUMN[c];
                                        Place place = firstPlace(text[field], rs.getString(2 + c),
                                                c >= FIELDS.size(), field);
                                        if (place != null) {
                                            hit[field] = true;
                                            if (first[t] == null || place.before(first[t])) {
                                                first[t] = place;
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return null;
            });
        }
        Map<String, WordMatch> out = new LinkedHashMap<>();
        for (String id : ids) {
            boolean[] hit = fields.get(id);
            if (hit == null) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (int f = 0; f < hit.length; f++) {
                if (hit[f]) {
                    names.add(FIELDS.get(f));
                }
            }
            List<String> words = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Place place : places.get(id)) {
                if (place != null && place.word() != null && seen.add(place.word().toLowerCase(Locale.ROOT))) {
                    words.add(place.word());
                }
            }
            out.put(id, new WordMatch(names, words));
        }
        return out;
    }

    /**
     * Live product ids whose SKU, or whole name, equals {@code text} once both are folded: case, diacritics
     * and ™ ® © ignored, runs of spaces and hyphens read as one space or, in a second reading, hyphens taken
     * out ({@code luma tshirt} and {@code LUMA T SHIRT™} both equal Luma T-Shirt). SKU matches first, then
     * names, each by id; empty when the text holds no word.
     */
    @Override
    public List<String> exact(String text) {
        String cleaned = clean(text);
        if (!hasWord(cleaned)) {
            return List.of();
        }
        String spaced = fold(cleaned, false);
        String joined = fold(cleaned, true);
        String sql = "SELECT p.id, p.name, p.sku FROM " + TABLE + " JOIN products p ON p.rowid = " + TABLE
                + ".rowid WHERE " + TABLE + " MATCH ? AND p.removed_at IS NULL ORDER BY p.id";
        synchronized (db) {
            return db.query(() -> {
                List<String> bySku = new ArrayList<>();
                List<String> byName = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                    ps.setString(1, EXACT_COLUMNS + " : " + phrase(cleaned));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (equalFolded(rs.getString(3), spaced, joined)) {
                                bySku.add(rs.getString(1));
                            } else if (equalFolded(rs.getString(2), spaced, joined)) {
                                byName.add(rs.getString(1));
                            }
                        }
                    }
                }
                bySku.addAll(byName);
                return bySku;
            });
        }
    }

    /**
     * A copy of the index in memory, as it stands now: the same answers as this object's, without SQL for
     * {@link #search}, {@link #containingAll} and {@link #containingAny}. Reading it took 0.3–0.5 s for
     * 20,000 products here; it holds about 8 bytes per word of the products' text.
     *
     * @throws CatalogException when the index is missing ({@link #present} is false) or cannot be read
     */
    public WordIndex inMemory() {
        if (!present()) {
            throw new CatalogException("catalogue " + db.file() + " has no words index (or part of it is missing): "
                    + "run lookalike reindex");
        }
        return WordIndex.load(db);
    }

    /**
     * Builds the index again from the products (dropping and recreating it, its view and its triggers, so
     * this also repairs a catalogue whose index was dropped).
     *
     * @return the number of live products indexed
     * @throws CatalogException when the catalogue is open read-only or cannot be written
     */
    public int rebuild() {
        if (db.isReadOnly()) {
            throw new CatalogException("catalogue " + db.file() + " is open read-only: its words index cannot be "
                    + "rebuilt; open it for writing (not LOOKALIKE_READ_ONLY, a writable file and folder)");
        }
        String sql = CatalogDb.readResource("/db/" + SCHEMA);
        synchronized (db) {
            return db.inTransaction(() -> {
                try (Statement st = db.connection().createStatement()) {
                    for (String trigger : List.of("insert", "update", "delete")) {
                        st.execute("DROP TRIGGER IF EXISTS product_words_" + trigger);
                    }
                    st.execute("DROP TABLE IF EXISTS " + TABLE);
                    st.execute("DROP VIEW IF EXISTS product_words_content");
                    for (String statement : CatalogDb.splitStatements(sql)) {
                        st.execute(statement);
                    }
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM products WHERE removed_at IS NULL")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
        }
    }

    /**
     * False when the index or a part of it (its view, a trigger) is missing: dropped, or a catalogue written by
     * another tool. The other methods then fail; {@link #rebuild} ({@code lookalike reindex}) repairs it.
     */
    public boolean present() {
        synchronized (db) {
            return db.query(() -> {
                Set<String> found = new HashSet<>();
                try (Statement st = db.connection().createStatement();
                     ResultSet rs = st.executeQuery("SELECT type || ' ' || name FROM sqlite_master "
                             + "WHERE name LIKE 'product\\_words%' ESCAPE '\\'")) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
                return found.containsAll(SCHEMA_OBJECTS);
            });
        }
    }

    // ---------------------------------------------------------------- query text

    /** The terms that hold a word, cleaned of control characters; null terms are skipped. */
    static List<String> usable(List<String> terms) {
        List<String> out = new ArrayList<>();
        if (terms == null) {
            return out;
        }
        for (String term : terms) {
            String cleaned = clean(term);
            if (hasWord(cleaned)) {
                out.add(cleaned);
            }
        }
        return out;
    }

    /** Control characters become spaces: SQLite reads a NUL as the end of the query string. */
    static String clean(String term) {
        if (term == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(term.length());
        term.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
        return b.toString().strip();
    }

    /**
     * Whether the text holds a character that unicode61 keeps in a token (its categories L*, N* and Co); a term
     * without one tokenizes to nothing.
     */
    static boolean hasWord(String text) {
        return text.codePoints().anyMatch(cp -> switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.PRIVATE_USE -> true;
            default -> false;
        });
    }

    /** The term as one FTS5 string: everything inside is text for the tokenizer, never syntax. */
    static String phrase(String term) {
        return '"' + term.replace("\"", "\"\"") + '"';
    }

    /**
     * The term as a query for BM25: in the fields, and in the fields' joined forms ("Luma TShirt") only when
     * some product holds it there and not in its fields (tshirt, never luma), so that a word a field holds in
     * both forms counts once. Asking costs one pass over the term's products; a BM25 phrase more would cost
     * more. {@code known} remembers the answers within one call.
     */
    private String scored(String term, Map<String, String> known) throws SQLException {
        String done = known.get(term);
        if (done != null) {
            return done;
        }
        String p = phrase(term);
        String own = FIELD_COLUMNS + " : " + p;
        String joinedOnly = JOINED_COLUMNS + " : " + p + " NOT " + own;
        String out = own;
        try (PreparedStatement ps = db.connection().prepareStatement(
                "SELECT 1 FROM " + TABLE + " WHERE " + TABLE + " MATCH ? LIMIT 1")) {
            ps.setString(1, joinedOnly);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    out = "(" + own + " OR (" + joinedOnly + "))";
                }
            }
        }
        known.put(term, out);
        return out;
    }

    private static String anyOf(List<String> terms) {
        return String.join(" OR ", terms.stream().map(ProductWords::phrase).toList());
    }

    private Set<String> matching(String expression) {
        return ids("SELECT p.id FROM " + TABLE + " JOIN products p ON p.rowid = " + TABLE + ".rowid WHERE "
                + TABLE + " MATCH ? AND p.removed_at IS NULL", expression);
    }

    private Set<String> ids(String sql, String parameter) {
        synchronized (db) {
            return db.query(() -> {
                Set<String> out = new HashSet<>();
                try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                    if (parameter != null) {
                        ps.setString(1, parameter);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                return Set.copyOf(out);
            });
        }
    }

    // ---------------------------------------------------------------- exact matches

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SIGNS = Pattern.compile("[\u2122\u00ae\u00a9\u2120]");
    private static final Pattern SPACES_AND_HYPHENS = Pattern.compile("[\\s" + HYPHENS + "]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern HYPHEN = Pattern.compile("[" + HYPHENS + "]");

    /**
     * Case, diacritics (NFKD, marks dropped) and ™ ® © folded away; runs of spaces and hyphens one space, or
     * with {@code joinHyphens} hyphens taken out and runs of spaces one space.
     */
    static String fold(String text, boolean joinHyphens) {
        String s = SIGNS.matcher(text).replaceAll(" ");
        s = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFKD)).replaceAll("");
        s = s.toLowerCase(Locale.ROOT);
        s = joinHyphens ? SPACES.matcher(HYPHEN.matcher(s).replaceAll("")).replaceAll(" ")
                : SPACES_AND_HYPHENS.matcher(s).replaceAll(" ");
        return s.strip();
    }

    static boolean equalFolded(String value, String spaced, String joined) {
        return value != null && (fold(value, false).equals(spaced) || fold(value, true).equals(joined));
    }

    // ---------------------------------------------------------------- explain

    /** Where a term first occurs in a product: field, then offset; {@code word} as written (null if unknown). */
    private record Place(int field, int offset, String word) {
        boolean before(Place other) {
            return field != other.field ? field < other.field : offset < other.offset;
        }
    }

    /**
     * The first marked span of a highlighted column, mapped onto the field's text as written; null when
     * nothing is marked. A joined column's span (TShirt) is widened back over the hyphens it lost (T-Shirt).
     */
    static Place firstPlace(String original, String highlighted, boolean joined, int field) {
        if (original == null || highlighted == null) {
            return null;
        }
        int open = highlighted.indexOf(OPEN);
        if (open < 0) {
            return null;
        }
        int close = highlighted.indexOf(CLOSE, open);
        if (close < 0) {
            close = highlighted.length();
        }
        // offsets in the column's text, before any marker
        int start = open;
        int end = close - 1;
        String plain = highlighted.replace(String.valueOf(OPEN), "").replace(String.valueOf(CLOSE), "");
        if (!joined) {
            boolean same = plain.equals(original) && end <= original.length();
            return new Place(field, start, same ? original.substring(start, end) : null);
        }
        // the joined text is the original less its hyphens: keptAt[i] is where its i-th character stands
        int[] keptAt = new int[original.length()];
        int n = 0;
        for (int i = 0; i < original.length(); i++) {
            if (HYPHENS.indexOf(original.charAt(i)) < 0) {
                keptAt[n++] = i;
            }
        }
        if (!plain.equals(HYPHEN.matcher(original).replaceAll("")) || end > n || start >= end) {
            return new Place(field, start < n ? keptAt[start] : original.length(), null);
        }
        int from = keptAt[start];
        int to = keptAt[end - 1] + 1;
        return new Place(field, from, original.substring(from, to));
    }
}
