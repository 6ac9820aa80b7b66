package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImageRef;
import dev.lookalike.embed.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The unit vectors of one collection in one contiguous array, with which products show each photo.
 * Search is exact: every photo is scored, each product keeps its best photo. Immutable and
 * thread-safe (the lookalike lists, once precomputed, only make {@link #similar} faster); reload by
 * building a new one.
 */
public final class VectorIndex {

    private final int dim;
    private final float[] matrix;
    private final String[] imageIds;
    private final int[][] rowProducts;
    private final Product[] products;
    private final int[][] productRows;
    private final Map<String, Integer> productIndex;
    private final Scan scan;
    private volatile Lookalikes lookalikes;
    private volatile SameItems sameItems;

    VectorIndex(int dim, float[] matrix, String[] imageIds, int[][] rowProducts, Product[] products,
                int[][] productRows) {
        this.dim = dim;
        this.matrix = matrix;
        this.imageIds = imageIds;
        this.rowProducts = rowProducts;
        this.products = products;
        this.productRows = productRows;
        this.scan = new Scan(dim, matrix);
        this.productIndex = new HashMap<>();
        for (int i = 0; i < products.length; i++) {
            productIndex.put(products[i].id(), i);
        }
    }

    /** Reads the collection's vectors and the products that show them (removed products left out). */
    public static VectorIndex load(CatalogDb db, Collection collection) {
        List<Product> productList = db.products();
        Map<String, Integer> pIndex = new HashMap<>();
        for (int i = 0; i < productList.size(); i++) {
            pIndex.put(productList.get(i).id(), i);
        }
        Map<String, List<Integer>> productsOfImage = new HashMap<>();
        List<ProductImageRef> refs = db.productImageRefs();
        for (ProductImageRef ref : refs) {
            Integer p = pIndex.get(ref.productId());
            if (p != null) {
                productsOfImage.computeIfAbsent(ref.imageId(), k -> new ArrayList<>()).add(p);
            }
        }
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        int[] dimSeen = {-1};
        db.forEachVector(collection.id(), v -> {
            if (!productsOfImage.containsKey(v.imageId())) {
                return; // a photo no live product shows
            }
            if (dimSeen[0] < 0) {
                dimSeen[0] = v.vector().length;
            } else if (v.vector().length != dimSeen[0]) {
                throw new IllegalStateException("collection " + collection.name() + " mixes vector lengths "
                        + dimSeen[0] + " and " + v.vector().length);
            }
            ids.add(v.imageId());
            vectors.add(v.vector());
        });
        int dim = Math.max(dimSeen[0], 0);
        float[] matrix = new float[ids.size() * dim];
        int[][] rowProducts = new int[ids.size()][];
        List<List<Integer>> rowsOfProduct = new ArrayList<>();
        for (int i = 0; i < productList.size(); i++) {
            rowsOfProduct.add(new ArrayList<>());
        }
        for (int r = 0; r < ids.size(); r++) {
            float[] v = Vectors.normalize(vectors.get(r));
            System.arraycopy(v, 0, matrix, r * dim, dim);
            List<Integer> ps = productsOfImage.get(ids.get(r));
            rowProducts[r] = ps.stream().mapToInt(Integer::intValue).distinct().toArray();
            for (int p : rowProducts[r]) {
                rowsOfProduct.get(p).add(r);
            }
        }
        // a product's rows in shop order, so its "first photo" (productVector, imageOf) is the shop's first
        Map<String, Integer> positions = new HashMap<>();
        for (ProductImageRef ref : refs) {
            positions.merge(ref.productId() + '/' + ref.imageId(), ref.position(), Math::min);
        }
        for (int p = 0; p < rowsOfProduct.size(); p++) {
            String pid = productList.get(p).id();
            rowsOfProduct.get(p).sort(java.util.Comparator.comparingInt(
                    r -> positions.getOrDefault(pid + '/' + ids.get(r), Integer.MAX_VALUE)));
        }
        int[][] productRows = rowsOfProduct.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        return new VectorIndex(dim, matrix, ids.toArray(String[]::new), rowProducts,
                productList.toArray(Product[]::new), productRows);
    }

    /**
     * An index of one photo per product, row {@code i} of {@code matrix} (unit vectors, row-major)
     * belonging to {@code products[i]}; for benchmarks and tools that build vectors themselves.
     */
    public static VectorIndex ofRows(int dim, float[] matrix, String[] imageIds, Product[] products) {
        if (matrix.length != (long) dim * products.length || imageIds.length != products.length) {
            throw new IllegalArgumentException("matrix, image ids and products disagree in size");
        }
        int[][] rows = new int[products.length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new int[] {i};
        }
        return new VectorIndex(dim, matrix, imageIds, rows, products, rows);
    }

    public int dim() {
        return dim;
    }

    /** Number of photos with vectors. */
    public int size() {
        return imageIds.length;
    }

    /** Number of products that have at least one embedded photo. */
    public int productCount() {
        int n = 0;
        for (int[] rows : productRows) {
            if (rows.length > 0) {
                n++;
            }
        }
        return n;
    }

    public Optional<Product> product(String id) {
        Integer i = productIndex.get(id);
        return i == null ? Optional.empty() : Optional.of(products[i]);
    }

    /**
     * The vector of the product's first embedded photo (shop order), or empty when the product is
     * unknown or none of its photos has a vector.
     */
    public Optional<float[]> productVector(String id) {
        Integer i = productIndex.get(id);
        if (i == null || productRows[i].length == 0) {
            return Optional.empty();
        }
        int row = productRows[i][0];
        return Optional.of(Arrays.copyOfRange(matrix, row * dim, row * dim + dim));
    }

    /**
     * The best products for a unit query vector, best first: each product scored by its best photo,
     * filtered inside the scan, {@code offset} skipped, at most {@code limit} returned.
     */
    public List<Match> search(float[] query, SearchFilter filter, int limit, int offset) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, the index " + dim);
        }
        int n = imageIds.length;
        if (n == 0 || limit <= 0) {
            return List.of();
        }
        boolean[] eligible = new boolean[products.length];
        boolean everything = filter.equals(SearchFilter.NONE);
        for (int p = 0; p < products.length; p++) {
            eligible[p] = productRows[p].length > 0 && (everything || filter.accepts(products[p]));
        }
        float[] best = new float[products.length];
        int[] bestRow = new int[products.length];
        bestPerProduct(scan.scores(query), rowProducts, eligible, best, bestRow);
        int[] order = TopK.select(best, offset + limit);
        List<Match> out = new ArrayList<>();
        for (int i = offset; i < order.length; i++) {
            int p = order[i];
            out.add(match(p, bestRow[p], best[p], filter));
        }
        return out;
    }

    /**
     * The products most like {@code productId} (its first photo's vector, as {@link #productVector}
     * gives it, normalised), best first, at most {@code limit}: the same list, with the same scores, as
     * {@code search(normalize(productVector(productId)), filter, limit, 0)}. Answered from the precomputed
     * lookalike lists when they hold enough products that pass the filter, else by that scan.
     *
     * @param filter must exclude the product itself, as a search for lookalikes does
     * @throws IllegalArgumentException when the product is unknown or has no embedded photo
     */
    public List<Match> similar(String productId, SearchFilter filter, int limit) {
        return similarFromLists(productId, filter, limit)
                .orElseGet(() -> search(Vectors.normalize(productVector(productId).orElseThrow()), filter, limit, 0));
    }

    /**
     * {@link #similar} when the precomputed lookalike lists can answer it (a walk of microseconds), empty
     * when only a scan can.
     *
     * @throws IllegalArgumentException when the product is unknown or has no embedded photo
     */
    public Optional<List<Match>> similarFromLists(String productId, SearchFilter filter, int limit) {
        Integer p = productIndex.get(productId);
        if (p == null || productRows[p].length == 0) {
            throw new IllegalArgumentException("product " + productId + " has no embedded photo");
        }
        Lookalikes lists = lookalikes;
        if (lists == null) {
            return Optional.empty();
        }
        List<Match> out = new ArrayList<>(Math.max(limit, 0));
        if (limit <= 0) {
            return Optional.of(out);
        }
        boolean answered = lists.walk(p, (q, row, score) -> {
            if (filter.accepts(products[q])) {
                out.add(match(q, row, score, filter));
            }
            return out.size() < limit;
        });
        return answered ? Optional.of(out) : Optional.empty();
    }

    /**
     * Works out every product's {@code size} most similar products on the calling thread (one core;
     * about 15 s for 20,000 photos on this project's machine), after which {@link #similar} rarely
     * scans. Safe to call while the index serves searches.
     *
     * @param stop asked between steps (a few milliseconds apart); when it says true the work is
     *     abandoned. It may block, to let more urgent work have the cores first.
     * @return true when the lists are ready, false when stopped
     */
    public boolean precomputeLookalikes(int size, BooleanSupplier stop) {
        if (size <= 0) {
            throw new IllegalArgumentException("lookalike lists need a size ≥ 1, got " + size);
        }
        Lookalikes built = Lookalikes.build(dim, matrix, scan, rowProducts, productRows, size, stop);
        if (built == null) {
            return false;
        }
        lookalikes = built;
        return true;
    }

    /** Whether {@link #precomputeLookalikes} has finished for this index. */
    public boolean hasLookalikes() {
        return lookalikes != null;
    }

    private Match match(int p, int row, float score, SearchFilter filter) {
        Double saving = filter.cheaperThan() == null ? null
                : Math.round((filter.cheaperThan() - products[p].price()) * 100) / 100.0;
        return new Match(products[p], imageIds[row], score, saving);
    }

    /**
     * Each eligible product's best photo score ({@code best}, negative infinity for the others) and
     * its row ({@code bestRow}); the first row wins a tie. Shared by the scan and the lookalike lists,
     * which must rank alike.
     */
    static void bestPerProduct(float[] rowScores, int[][] rowProducts, boolean[] eligible, float[] best,
                               int[] bestRow) {
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < rowScores.length; r++) {
            float s = rowScores[r];
            for (int p : rowProducts[r]) {
                if (eligible[p] && s > best[p]) {
                    best[p] = s;
                    bestRow[p] = r;
                }
            }
        }
    }

    // ---------------------------------------------------------------- for SearchService's ranking

    /** The number of products, with photos or not (product indexes run from 0 to this). */
    int productTotal() {
        return products.length;
    }

    /** The index of the product with this id, -1 when there is none. */
    int indexOf(String id) {
        Integer i = productIndex.get(id);
        return i == null ? -1 : i;
    }

    Product productAt(int p) {
        return products[p];
    }

    boolean hasPhoto(int p) {
        return productRows[p].length > 0;
    }

    /** The row of the product's first photo (shop order); the product must have one. */
    int firstRow(int p) {
        return productRows[p][0];
    }

    String imageIdOfRow(int row) {
        return imageIds[row];
    }

    /** A copy of a row's unit vector. */
    float[] rowVector(int row) {
        return Arrays.copyOfRange(matrix, row * dim, row * dim + dim);
    }

    /** Every product's best photo score for a unit query ({@code best}, −∞ without photos) and its row. */
    void scoreAll(float[] query, float[] best, int[] bestRow) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, the index " + dim);
        }
        boolean[] eligible = new boolean[products.length];
        for (int p = 0; p < products.length; p++) {
            eligible[p] = productRows[p].length > 0;
        }
        bestPerProduct(scan.scores(query), rowProducts, eligible, best, bestRow);
    }

    /**
     * Walks product {@code p}'s precomputed lookalike list, unfiltered, best first.
     *
     * @return empty when there are no lists yet; else whether the walk was complete (stopped by the sink,
     *     or the list holds every product)
     */
    Optional<Boolean> walkLookalikes(int p, Lookalikes.Sink sink) {
        Lookalikes lists = lookalikes;
        return lists == null ? Optional.empty() : Optional.of(lists.walk(p, sink));
    }

    /** Which products of different shops are the same item; worked out on first use, then kept. */
    SameItems sameItems() {
        SameItems s = sameItems;
        if (s == null) {
            synchronized (this) {
                s = sameItems;
                if (s == null) {
                    s = SameItems.find(dim, matrix, products, productRows, rowProducts);
                    sameItems = s;
                }
            }
        }
        return s;
    }

    /** Every product that has at least one embedded photo, in id order. */
    public List<Product> productsWithPhotos() {
        List<Product> out = new ArrayList<>();
        for (int p = 0; p < products.length; p++) {
            if (productRows[p].length > 0) {
                out.add(products[p]);
            }
        }
        return out;
    }

    /** The image id of the product's first embedded photo (shop order), or empty when it has none. */
    public Optional<String> imageOf(String productId) {
        Integer i = productIndex.get(productId);
        return i == null || productRows[i].length == 0 ? Optional.empty() : Optional.of(imageIds[productRows[i][0]]);
    }
}
