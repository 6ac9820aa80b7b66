package dev.lookalike.search;

import dev.lookalike.catalog.Product;

import java.net.URI;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Works out which products are the same item sold by different shops, so that a shopper comparing
 * shops sees one item once with every shop's price. Immutable and thread-safe.
 *
 * <p><b>Evidence.</b> Two products of different shops are the same item when
 * <ol>
 *   <li>they show a byte-identical photo (they share a row of the index: a row's id is the SHA-256 of
 *       its bytes), or</li>
 *   <li>some photo of one and some photo of the other have a cosine of at least {@link #MIN_COSINE}
 *       <em>and</em> their names are similar ({@link #namesSimilar}).</li>
 * </ol>
 * A photo that two products <em>of one shop</em> show is not evidence for anyone: within a shop the
 * variants of an item are already one product, so such a photo is shared artwork (a placeholder, a
 * logo, a size chart), and counting it would glue unrelated items of other shops together.
 *
 * <p><b>One product per shop.</b> Evidence is merged greedily, strongest first (identical photos,
 * most shared first; then near-duplicates, highest cosine first), and a merge that would put two
 * products of one shop in one group is refused, so two products of one shop never meet, not even
 * through a third shop. Ties are broken by product id, so the groups do not depend on the order of
 * the products. A shop is {@link Product#shop()} (case-insensitive), or the URL's host without
 * {@code www.} when the shop is blank.
 *
 * <p><b>Threshold.</b> Immich, which finds duplicate photos with CLIP ViT-B/32 (its default model),
 * calls two photos duplicates at a cosine distance of at most 0.01, i.e. a cosine of at least 0.99
 * (<a href="https://github.com/immich-app/immich/blob/main/server/src/config.ts">server/src/config.ts</a>:
 * {@code machineLearning.duplicateDetection.maxDistance: 0.01}; the pgvector {@code <=>} cosine
 * distance is compared with it in {@code server/src/repositories/duplicate.repository.ts}). Re-encoded
 * or resized copies of one photo come out near 0.99 with real CLIP; different colours of one garment
 * near 0.9. Immich has only the photo to go on; here a match also needs similar names, a second,
 * independent piece of evidence, so {@code MIN_COSINE} is lower, 0.95: it admits what shops do to
 * the manufacturer's photo (re-encoding, resizing, a crop, a new background or a watermark) and still
 * keeps colour variants (about 0.9) apart.
 *
 * <p><b>Cost.</b> It runs when an index loads, so it never compares all pairs. Identical photos come
 * straight from the rows. Near-duplicate candidates are products of other shops that share a
 * <em>blocking key</em> of at most {@link #MAX_BLOCK} products: a name token, or, for a pair of
 * tokens that are both too common to be keys, the pair. Names of similar products share at least
 * two tokens (one when a name has one), so they share a key unless even that pair is in more than
 * {@code MAX_BLOCK} products, in which case the name says too little and only identical photos can
 * group them. Candidates are checked for similar names first and only then for cosines (every photo
 * of one against every photo of the other).
 */
public final class SameItems {

    /** The least cosine at which two photos are near-duplicates (see the class comment). */
    public static final double MIN_COSINE = 0.95;

    /** The most products a blocking key may gather; a more common key is not compared within. */
    static final int MAX_BLOCK = 128;

    /** Words that say nothing about which item it is. */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "or", "the", "for", "with", "of",
            "in", "on", "by", "to", "from", "at", "new", "sale");

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern POSSESSIVE = Pattern.compile("['’]s\\b");
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final int[] groupOf;
    private final int[][] members;

    private SameItems(int[] groupOf, int[][] members) {
        this.groupOf = groupOf;
        this.members = members;
    }

    /**
     * Groups the products of one index.
     *
     * @param dim the vector length
     * @param matrix the photos' unit vectors, row-major, {@code dim} floats a row
     * @param products the products, by index
     * @param productRows for each product, the rows of its photos
     * @param rowProducts for each row, the products that show that photo
     * @throws IllegalArgumentException when the arrays disagree in size
     */
    public static SameItems find(int dim, float[] matrix, Product[] products, int[][] productRows,
                                 int[][] rowProducts) {
        int rows = rowProducts.length;
        if (productRows.length != products.length || (long) rows * dim != matrix.length) {
            throw new IllegalArgumentException("matrix (" + matrix.length + " floats of dim " + dim + "), "
                    + rows + " rows, " + products.length + " products and " + productRows.length
                    + " product row lists disagree");
        }
        return find(dim, new FloatRows.Heap(dim, matrix), products, productRows, rowProducts);
    }

    /** {@link #find(int, float[], Product[], int[][], int[][])} over rows wherever they are kept. */
    static SameItems find(int dim, FloatRows vectors, Product[] products, int[][] productRows, int[][] rowProducts) {
        int n = products.length;
        int[] shop = shopIds(products);
        String[] ids = new String[n];
        for (int p = 0; p < n; p++) {
            ids[p] = products[p].id();
        }
        boolean[] generic = genericRows(rowProducts, shop);
        int[][] usable = new int[n][];
        for (int p = 0; p < n; p++) {
            usable[p] = Arrays.stream(productRows[p]).filter(r -> !generic[r]).toArray();
        }
        List<Edge> edges = new ArrayList<>();
        Map<Long, Integer> shared = sharedRows(rowProducts, generic, n);
        shared.forEach((pair, count) -> edges.add(Edge.of(true, count, (int) (pair / n), (int) (pair % n), ids)));
        nearDuplicates(dim, vectors, products, usable, shop, shared.keySet(), ids, edges);
        edges.sort(null);
        return merge(n, shop, edges);
    }

    /** The group of product {@code product}, numbered densely from 0 by each group's first member. */
    public int groupOf(int product) {
        return groupOf[product];
    }

    /** The product indexes of group {@code group}, ascending. */
    public int[] members(int group) {
        return members[group].clone();
    }

    /** How many groups there are (a product alone is a group of one). */
    public int groupCount() {
        return members.length;
    }

    /** One piece of evidence that two products are the same item, ordered strongest first. */
    private record Edge(boolean identical, double strength, String lowId, String highId, int a, int b)
            implements Comparable<Edge> {

        static Edge of(boolean identical, double strength, int p, int q, String[] ids) {
            boolean pFirst = ids[p].compareTo(ids[q]) <= 0;
            return new Edge(identical, strength, pFirst ? ids[p] : ids[q], pFirst ? ids[q] : ids[p], p, q);
        }

        @Override
        public int compareTo(Edge o) {
            if (identical != o.identical) {
                return identical ? -1 : 1;
            }
            int c = Double.compare(o.strength, strength);
            if (c != 0) {
                return c;
            }
            c = lowId.compareTo(o.lowId);
            return c != 0 ? c : highId.compareTo(o.highId);
        }
    }

    /** Each product's shop as a small number; equal numbers are one shop. */
    private static int[] shopIds(Product[] products) {
        Map<String, Integer> ids = new HashMap<>();
        int[] out = new int[products.length];
        for (int p = 0; p < products.length; p++) {
            out[p] = ids.computeIfAbsent(shopOf(products[p]), k -> ids.size());
        }
        return out;
    }

    /** The shop's name folded to lower case, or the URL's host without {@code www.} when it has none. */
    static String shopOf(Product p) {
        if (p.shop() != null && !p.shop().isBlank()) {
            return p.shop().strip().toLowerCase(Locale.ROOT);
        }
        String host = null;
        try {
            host = URI.create(p.url().strip()).getHost();
        } catch (IllegalArgumentException e) {
            // not a URL: the URL itself names a shop of one product
        }
        if (host == null) {
            return p.url();
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.startsWith("www.") ? host.substring(4) : host;
    }

    /** Rows that two products of one shop show: shared artwork, no evidence of identity. */
    private static boolean[] genericRows(int[][] rowProducts, int[] shop) {
        boolean[] generic = new boolean[rowProducts.length];
        for (int r = 0; r < rowProducts.length; r++) {
            int[] ps = rowProducts[r];
            if (ps.length < 2) {
                continue;
            }
            long[] byShop = new long[ps.length];
            for (int i = 0; i < ps.length; i++) {
                byShop[i] = (long) shop[ps[i]] << 32 | ps[i];
            }
            Arrays.sort(byShop);
            for (int i = 1; i < byShop.length && !generic[r]; i++) {
                generic[r] = byShop[i] >>> 32 == byShop[i - 1] >>> 32 && byShop[i] != byShop[i - 1];
            }
        }
        return generic;
    }

    /** Pairs of products (as {@code p·n + q}, p &lt; q) that show the same photo, with how many they share. */
    private static Map<Long, Integer> sharedRows(int[][] rowProducts, boolean[] generic, int n) {
        Map<Long, Integer> shared = new HashMap<>();
        for (int r = 0; r < rowProducts.length; r++) {
            if (generic[r]) {
                continue; // and so every two products of the row are of different shops
            }
            int[] ps = rowProducts[r];
            for (int i = 0; i < ps.length; i++) {
                for (int j = i + 1; j < ps.length; j++) {
                    int p = Math.min(ps[i], ps[j]);
                    int q = Math.max(ps[i], ps[j]);
                    if (p == q) {
                        continue;
                    }
                    shared.merge((long) p * n + q, 1, Integer::sum);
                }
            }
        }
        return shared;
    }

    /** Adds an edge for every two products of different shops with near-duplicate photos and similar names. */
    private static void nearDuplicates(int dim, FloatRows vectors, Product[] products, int[][] usable,
                                       int[] shop, Set<Long> identical, String[] ids,
                                       List<Edge> edges) {
        int n = products.length;
        // names as token numbers in alphabetical order (so that nothing depends on the products' order)
        String[][] words = new String[n][];
        Set<String> vocabulary = new TreeSet<>();
        for (int p = 0; p < n; p++) {
            words[p] = usable[p].length == 0 ? new String[0] : nameTokens(products[p]);
            vocabulary.addAll(Arrays.asList(words[p]));
        }
        String[] spelling = vocabulary.toArray(String[]::new);
        Map<String, Integer> tokenIds = new HashMap<>();
        for (int i = 0; i < spelling.length; i++) {
            tokenIds.put(spelling[i], i);
        }
        int[][] tokens = new int[n][];
        for (int p = 0; p < n; p++) {
            tokens[p] = Arrays.stream(words[p]).mapToInt(tokenIds::get).sorted().toArray();
        }
        int tokenCount = spelling.length;
        int[] df = new int[tokenCount];
        for (int[] t : tokens) {
            for (int x : t) {
                df[x]++;
            }
        }
        // blocking keys: a token of at most MAX_BLOCK products, else a pair of too-common tokens
        Map<Long, Integer> pairIds = new HashMap<>();
        List<int[]> keysOf = new ArrayList<>(n);
        List<Integer> pairDf = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int[] t = tokens[p];
            int[] keys = new int[t.length + t.length * (t.length - 1) / 2];
            int k = 0;
            for (int i = 0; i < t.length; i++) {
                if (df[t[i]] <= MAX_BLOCK) {
                    keys[k++] = t[i];
                    continue;
                }
                for (int j = i + 1; j < t.length; j++) {
                    if (df[t[j]] > MAX_BLOCK) {
                        long pair = (long) t[i] * tokenCount + t[j];
                        Integer id = pairIds.get(pair);
                        if (id == null) {
                            id = tokenCount + pairIds.size();
                            pairIds.put(pair, id);
                            pairDf.add(0);
                        }
                        pairDf.set(id - tokenCount, pairDf.get(id - tokenCount) + 1);
                        keys[k++] = id;
                    }
                }
            }
            keysOf.add(Arrays.copyOf(keys, k));
        }
        int keyCount = tokenCount + pairIds.size();
        int[] size = new int[keyCount];
        System.arraycopy(df, 0, size, 0, tokenCount);
        for (int i = 0; i < pairDf.size(); i++) {
            size[tokenCount + i] = pairDf.get(i);
        }
        // postings, compressed: products of key k are members[start[k] .. start[k+1])
        int[] start = new int[keyCount + 1];
        for (int k = 0; k < keyCount; k++) {
            start[k + 1] = start[k] + (size[k] <= MAX_BLOCK ? size[k] : 0);
        }
        int[] postings = new int[start[keyCount]];
        int[] fill = Arrays.copyOf(start, keyCount);
        for (int p = 0; p < n; p++) {
            for (int k : keysOf.get(p)) {
                if (size[k] <= MAX_BLOCK) {
                    postings[fill[k]++] = p;
                }
            }
        }
        int[] seen = new int[n];
        Arrays.fill(seen, -1);
        for (int p = 0; p < n; p++) {
            for (int k : keysOf.get(p)) {
                if (size[k] > MAX_BLOCK) {
                    continue;
                }
                for (int i = start[k]; i < start[k + 1]; i++) {
                    int q = postings[i];
                    if (q <= p || seen[q] == p) {
                        continue;
                    }
                    seen[q] = p;
                    if (shop[q] == shop[p] || identical.contains((long) p * n + q)) {
                        continue;
                    }
                    boolean pFirst = ids[p].compareTo(ids[q]) <= 0;
                    if (!similar(pFirst ? tokens[p] : tokens[q], pFirst ? tokens[q] : tokens[p], spelling)) {
                        continue;
                    }
                    float best = bestCosine(dim, vectors, usable[p], usable[q]);
                    if (best >= MIN_COSINE) {
                        edges.add(Edge.of(false, best, p, q, ids));
                    }
                }
            }
        }
    }

    /** The highest dot product between any row of {@code a} and any row of {@code b}. */
    private static float bestCosine(int dim, FloatRows vectors, int[] a, int[] b) {
        float best = Float.NEGATIVE_INFINITY;
        float[] matrix = vectors.heapMatrix();
        float[] pair = matrix != null ? null : new float[2 * dim];
        for (int ra : a) {
            for (int rb : b) {
                if (matrix != null) {
                    best = Math.max(best, dot(matrix, ra * dim, rb * dim, dim));
                } else {
                    // the rows side by side, summed as the heap's are
                    float[] row = new float[dim];
                    vectors.read(ra, row);
                    System.arraycopy(row, 0, pair, 0, dim);
                    vectors.read(rb, row);
                    System.arraycopy(row, 0, pair, dim, dim);
                    best = Math.max(best, dot(pair, 0, dim, dim));
                }
            }
        }
        return best;
    }

    private static float dot(float[] m, int a, int b, int dim) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            s0 += m[a + i] * m[b + i];
            s1 += m[a + i + 1] * m[b + i + 1];
            s2 += m[a + i + 2] * m[b + i + 2];
            s3 += m[a + i + 3] * m[b + i + 3];
        }
        for (; i < dim; i++) {
            s0 += m[a + i] * m[b + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Applies the edges strongest first, refusing any merge that would put one shop in a group twice. */
    private static SameItems merge(int n, int[] shop, List<Edge> edges) {
        int[] parent = new int[n];
        int[][] shops = new int[n][];
        for (int p = 0; p < n; p++) {
            parent[p] = p;
            shops[p] = new int[] {shop[p]};
        }
        for (Edge e : edges) {
            int ra = root(parent, e.a());
            int rb = root(parent, e.b());
            if (ra == rb) {
                continue;
            }
            int[] union = disjointUnion(shops[ra], shops[rb]);
            if (union == null) {
                continue; // the two groups hold a product of the same shop
            }
            if (shops[ra].length < shops[rb].length) {
                int t = ra;
                ra = rb;
                rb = t;
            }
            parent[rb] = ra;
            shops[ra] = union;
            shops[rb] = null;
        }
        int[] groupOf = new int[n];
        int[] numberOfRoot = new int[n];
        Arrays.fill(numberOfRoot, -1);
        int groups = 0;
        int[] sizes = new int[n];
        for (int p = 0; p < n; p++) {
            int r = root(parent, p);
            if (numberOfRoot[r] < 0) {
                numberOfRoot[r] = groups++;
            }
            groupOf[p] = numberOfRoot[r];
            sizes[groupOf[p]]++;
        }
        int[][] members = new int[groups][];
        for (int g = 0; g < groups; g++) {
            members[g] = new int[sizes[g]];
        }
        int[] fill = new int[groups];
        for (int p = 0; p < n; p++) {
            members[groupOf[p]][fill[groupOf[p]]++] = p;
        }
        return new SameItems(groupOf, members);
    }

    /** Each product's group, for {@link #ofGroupNumbers} (the start file keeps them). */
    int[] groupNumbers() {
        return groupOf.clone();
    }

    /**
     * The groups {@link #groupNumbers} gave.
     *
     * @throws IllegalArgumentException when the numbers are not dense from 0 in order of each group's first member
     */
    static SameItems ofGroupNumbers(int[] groupOf) {
        int groups = 0;
        for (int g : groupOf) {
            if (g < 0 || g > groups) {
                throw new IllegalArgumentException("group numbers are not dense in order of first members");
            }
            if (g == groups) {
                groups++;
            }
        }
        int[] sizes = new int[groups];
        for (int g : groupOf) {
            sizes[g]++;
        }
        int[][] members = new int[groups][];
        for (int g = 0; g < groups; g++) {
            members[g] = new int[sizes[g]];
        }
        Arrays.fill(sizes, 0);
        for (int p = 0; p < groupOf.length; p++) {
            members[groupOf[p]][sizes[groupOf[p]]++] = p;
        }
        return new SameItems(groupOf.clone(), members);
    }

    /**
     * The groups another engine keeps (a Solr collection's {@code group_id}): products with equal keys are
     * one item, numbered densely by each group's first member as {@link #find} numbers them.
     */
    static SameItems ofGroups(String[] keys) {
        int n = keys.length;
        Map<String, Integer> numbers = new HashMap<>();
        int[] groupOf = new int[n];
        List<List<Integer>> lists = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            Integer g = numbers.putIfAbsent(keys[p], lists.size());
            if (g == null) {
                g = lists.size();
                lists.add(new ArrayList<>());
            }
            groupOf[p] = g;
            lists.get(g).add(p);
        }
        int[][] members = new int[lists.size()][];
        for (int g = 0; g < members.length; g++) {
            members[g] = lists.get(g).stream().mapToInt(Integer::intValue).toArray();
        }
        return new SameItems(groupOf, members);
    }

    private static int root(int[] parent, int p) {
        while (parent[p] != p) {
            parent[p] = parent[parent[p]];
            p = parent[p];
        }
        return p;
    }

    /** The union of two ascending shop lists, or null when they have a shop in common. */
    private static int[] disjointUnion(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                return null;
            }
            out[k++] = a[i] < b[j] ? a[i++] : b[j++];
        }
        while (i < a.length) {
            out[k++] = a[i++];
        }
        while (j < b.length) {
            out[k++] = b[j++];
        }
        return out;
    }

    /**
     * The words of a product's name that say which item it is: folded ({@link #fold}), without the
     * words of its brand and its shop, unless that leaves none.
     */
    static String[] nameTokens(Product p) {
        String[] words = fold(p.name());
        Set<String> noise = new TreeSet<>(Arrays.asList(fold(shopOf(p))));
        if (p.brand() != null) {
            noise.addAll(Arrays.asList(fold(p.brand())));
        }
        String[] kept = Arrays.stream(words).filter(w -> !noise.contains(w)).toArray(String[]::new);
        return kept.length > 0 ? kept : words;
    }

    /**
     * A text's distinct words, folded: accents dropped, lower case, {@code 's} dropped, split at
     * anything but letters and digits, a plural {@code s} dropped from words of four letters or more
     * (not from {@code ss}), single letters and {@link #STOP_WORDS} left out.
     */
    static String[] fold(String text) {
        String s = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        s = POSSESSIVE.matcher(s).replaceAll("");
        Set<String> out = new TreeSet<>();
        for (String w : NOT_WORD.split(s)) {
            if (w.isEmpty() || STOP_WORDS.contains(w) || (w.length() == 1 && Character.isLetter(w.charAt(0)))) {
                continue;
            }
            if (w.length() >= 4 && w.endsWith("s") && !w.endsWith("ss") && letters(w)) {
                w = w.substring(0, w.length() - 1);
            }
            out.add(w);
        }
        return out.toArray(String[]::new);
    }

    /**
     * Whether two names (as {@link #nameTokens} gives them) are similar: with {@code m} words matched
     * one to one, equal or one typo apart, {@code m} is at least 2 (1 when a name has one word), at
     * least 0.8 of the shorter name and at least half of the longer. So "Chaz Kangeroo Hoodie" and
     * "Chaz Kangaroo Hoodie - Men's" (3 of 3 and 3 of 4) are similar; "Chaz Hoodie Black" and "Chaz
     * Hoodie Blue" (2 of 3: the colour differs) are not, and neither are "iPhone 13" and "iPhone 14"
     * (numbers must be equal).
     */
    static boolean namesSimilar(String[] a, String[] b) {
        Set<String> vocabulary = new TreeSet<>(Arrays.asList(a));
        vocabulary.addAll(Arrays.asList(b));
        List<String> spelling = new ArrayList<>(vocabulary);
        return similar(Arrays.stream(a).distinct().mapToInt(spelling::indexOf).sorted().toArray(),
                Arrays.stream(b).distinct().mapToInt(spelling::indexOf).sorted().toArray(),
                spelling.toArray(String[]::new));
    }

    /** {@link #namesSimilar} on ascending token numbers. */
    private static boolean similar(int[] a, int[] b, String[] spelling) {
        int shorter = Math.min(a.length, b.length);
        int longer = Math.max(a.length, b.length);
        if (shorter == 0) {
            return false;
        }
        boolean[] usedA = new boolean[a.length];
        boolean[] usedB = new boolean[b.length];
        int m = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] == b[j]) {
                usedA[i++] = true;
                usedB[j++] = true;
                m++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        int needed = Math.max(Math.min(2, shorter), (int) Math.ceil(Math.max(0.8 * shorter, 0.5 * longer) - 1e-9));
        for (int i = 0; i < a.length && m < needed; i++) {
            if (usedA[i]) {
                continue;
            }
            for (int j = 0; j < b.length; j++) {
                if (!usedB[j] && oneTypoApart(spelling[a[i]], spelling[b[j]])) {
                    usedB[j] = true;
                    m++;
                    break;
                }
            }
        }
        return m >= needed;
    }

    /**
     * Whether two different words are one typo apart (one letter added, dropped, changed, or two
     * neighbours swapped), both of at least four letters only, starting with the same letter.
     */
    static boolean oneTypoApart(String x, String y) {
        if (x.length() < 4 || y.length() < 4 || Math.abs(x.length() - y.length()) > 1
                || x.charAt(0) != y.charAt(0) || !letters(x) || !letters(y)) {
            return false;
        }
        if (x.length() > y.length()) {
            String t = x;
            x = y;
            y = t;
        }
        int i = 0;
        while (i < x.length() && x.charAt(i) == y.charAt(i)) {
            i++;
        }
        if (x.length() < y.length()) {
            return x.regionMatches(i, y, i + 1, x.length() - i); // one letter dropped from y
        }
        if (i == x.length()) {
            return false; // the same word
        }
        if (x.regionMatches(i + 1, y, i + 1, x.length() - i - 1)) {
            return true; // one letter changed
        }
        return i + 1 < x.length() && x.charAt(i) == y.charAt(i + 1) && x.charAt(i + 1) == y.charAt(i)
                && x.regionMatches(i + 2, y, i + 2, x.length() - i - 2);
    }

    private static boolean letters(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (!Character.isLetter(w.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
