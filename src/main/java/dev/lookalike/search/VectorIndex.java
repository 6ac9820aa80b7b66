package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ChangeTokens;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImageRef;
import dev.lookalike.embed.Vectors;

import dev.lookalike.catalog.VectorListing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The unit vectors of one collection, with which products show each photo. Every photo counts, each
 * product keeps its best photo; scores are always exact, and so is the top except where the binary first
 * pass is on ({@link ScanSettings}: by default from 100,000 photos), whose top is measured, not guaranteed. Immutable and thread-safe (the lookalike lists, once
 * precomputed, only make {@link #similar} faster); reload by building a new one.
 *
 * <p>Two copies of the vectors: an int8 copy on the heap ({@link Int8Rows}, a quarter of the float32
 * size) that every query scans, and the float32 rows, on the heap up to {@link #HEAP_FLOATS} floats and
 * above that in the derived vector file ({@link VectorFile}), which re-score exactly the candidates the
 * int8 scan cannot rule out. The int8 error is bounded per row, so the answers are the float32 scan's
 * answers, the same products with the same scores in the same order. Above the first pass's threshold a
 * third copy, one bit per dimension ({@link BinaryCodes}, an eighth of the int8 copy), picks the
 * candidates of {@link #scoreTop} instead, which are scored in float32 as well.
 */
public final class VectorIndex {

    private static final System.Logger LOG = System.getLogger(VectorIndex.class.getName());

    /**
     * Up to this many floats (256 MiB) the float32 rows stay on the heap as well, for the lookalike lists
     * and exact full scans; beyond, only in the derived file.
     */
    static final long HEAP_FLOATS = 64L << 20;

    /** Below this many products one thread works out their bounds faster than several. */
    private static final int PARALLEL_PRODUCTS = 1 << 16;

    /** A stamp for vector files that tools write themselves (no catalogue to stamp them from). */
    private static final byte[] TOOL_STAMP = new byte[32];

    private final int dim;
    private final FloatRows floats;
    private final float[] matrix;
    private final Int8Rows quantized;
    private final PhotoIds imageIds;
    private final int[][] rowProducts;
    private final Product[] products;
    private final int[][] productRows;
    /** Product index by id; null when the products are in id order (a catalogue's are): then {@link #find} searches them. */
    private final Map<String, Integer> productIndex;
    private final Scan scan;
    private final int shownRows;
    /** Product {@code p}'s rows are {@code rowList[rowStart[p] … rowStart[p + 1])}, in shop order (flat, for the scan). */
    private final int[] rowStart;
    private final int[] rowList;
    private final Path derivedFile;
    private volatile Lookalikes lookalikes;
    private volatile SameItems sameItems;
    /** The stamp of the start file beside {@link #derivedFile} this index came from or wrote; null when none. */
    private byte[] startStamp;
    /** Where the look scores come from when the vectors are not in this process; null when they are. */
    private RemoteLooks remote;
    /** The one-bit codes of the first pass ({@link ScanSettings}); null where {@link #scoreTop} scans exactly. */
    private BinaryCodes binary;
    /** How many products the first pass keeps for exact scoring. */
    private int candidates;

    VectorIndex(int dim, float[] matrix, String[] imageIds, int[][] rowProducts, Product[] products,
                int[][] productRows) {
        this(dim, new FloatRows.Heap(dim, matrix), quantize(dim, matrix), PhotoIds.of(imageIds), rowProducts, products,
                productRows, null);
    }

    private VectorIndex(int dim, FloatRows floats, Int8Rows quantized, PhotoIds imageIds, int[][] rowProducts,
                        Product[] products, int[][] productRows, Path derivedFile) {
        this.dim = dim;
        this.floats = floats;
        this.matrix = floats == null ? null : floats.heapMatrix();
        this.quantized = quantized;
        this.imageIds = imageIds;
        this.rowProducts = rowProducts;
        this.products = products;
        this.productRows = productRows;
        this.derivedFile = derivedFile;
        this.scan = matrix == null ? null : new Scan(dim, matrix);
        this.productIndex = byIdSorted(products) ? null : new HashMap<>();
        for (int i = 0; productIndex != null && i < products.length; i++) {
            productIndex.put(products[i].id(), i);
        }
        int shown = 0;
        for (int[] ps : rowProducts) {
            if (ps.length > 0) {
                shown++;
            }
        }
        this.shownRows = shown;
        this.rowStart = new int[products.length + 1];
        for (int p = 0; p < products.length; p++) {
            rowStart[p + 1] = rowStart[p] + productRows[p].length;
        }
        this.rowList = new int[rowStart[products.length]];
        for (int p = 0; p < products.length; p++) {
            System.arraycopy(productRows[p], 0, rowList, rowStart[p], productRows[p].length);
        }
    }

    private static boolean byIdSorted(Product[] products) {
        for (int i = 1; i < products.length; i++) {
            if (products[i - 1].id().compareTo(products[i].id()) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The index of the product with this id, or null when there is none. */
    private Integer find(String id) {
        if (productIndex != null) {
            return productIndex.get(id);
        }
        int lo = 0;
        int hi = products.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = products[mid].id().compareTo(id);
            if (c == 0) {
                return mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }

    private static Int8Rows quantize(int dim, float[] matrix) {
        int rows = dim == 0 ? 0 : matrix.length / dim;
        Int8Rows q = new Int8Rows(dim, rows);
        for (int r = 0; r < rows; r++) {
            q.set(r, matrix, r * dim);
        }
        return q;
    }

    /**
     * Reads the collection's vectors and the products that show them (removed products left out). The
     * float32 rows come from the derived vector file beside the catalogue (or, when its folder cannot be
     * written or the catalogue is open read-only, in the temp folder) while its stamp matches the catalogue's
     * change tokens; otherwise from the catalogue, writing the file again on the way. Where no file can be
     * written they stay on the heap. While the products and their photos have not changed either, they come
     * from the start file beside the vector file ({@link StartFile}), with the first pass's codes; otherwise
     * from the catalogue, and the start file is written again.
     *
     * @throws IllegalStateException when the collection mixes vector lengths
     */
    public static VectorIndex load(CatalogDb db, Collection collection) {
        return load(db, collection, ScanSettings.DEFAULTS);
    }

    /**
     * {@link #load(CatalogDb, Collection)} with {@code scan} saying how {@link #scoreTop} finds the best
     * products.
     *
     * @throws IllegalStateException when the collection mixes vector lengths
     */
    public static VectorIndex load(CatalogDb db, Collection collection, ScanSettings scan) {
        return load(db, collection, scan, false);
    }

    /**
     * {@link #load(CatalogDb, Collection, ScanSettings)}; with {@code checkLater} a derived vector file whose
     * stamp and size match is opened without reading its rows for the checksum, when nothing else needs them
     * read (the floats not on the heap, no int8 copy): {@link #checkDerivedFile} does that later (a server,
     * after it is ready).
     *
     * @throws IllegalStateException when the collection mixes vector lengths
     */
    public static VectorIndex load(CatalogDb db, Collection collection, ScanSettings scan, boolean checkLater) {
        // a catalogue opened read-only (a baked deployment, LOOKALIKE_READ_ONLY) gets nothing written beside it
        List<Path> files = db.file() == null || collection.id() < 0 ? List.of()
                : db.isReadOnly() ? List.of(VectorFile.inTemp(db.file(), collection.id()))
                : List.of(VectorFile.beside(db.file(), collection.id()), VectorFile.inTemp(db.file(), collection.id()));
        return load(db, collection, files, HEAP_FLOATS, scan, checkLater);
    }

    /**
     * {@link #load(CatalogDb, Collection)} with the derived file's candidate places, first usable wins, and
     * the most floats kept on the heap.
     */
    static VectorIndex load(CatalogDb db, Collection collection, List<Path> files, long heapFloats) {
        return load(db, collection, files, heapFloats, ScanSettings.DEFAULTS, false);
    }

    static VectorIndex load(CatalogDb db, Collection collection, List<Path> files, long heapFloats,
                            ScanSettings scan, boolean checkLater) {
        for (int attempt = 0; ; attempt++) {
            VectorIndex idx = loadOnce(db, collection, files, heapFloats, scan, checkLater);
            if (idx != null) {
                return idx;
            }
            if (attempt == 2) {
                throw new IllegalStateException("the vectors of collection " + collection.name()
                        + " kept changing while they were read; try again when embed has finished");
            }
        }
    }

    /** Null when the catalogue's vectors changed under the read. */
    private static VectorIndex loadOnce(CatalogDb db, Collection collection, List<Path> files, long heapFloats,
                                        ScanSettings scan, boolean checkLater) {
        // the tokens before the data: a write in between makes the files written below look stale, never current
        ChangeTokens tokens = db.changeTokens();
        byte[] vectorStamp = stamp("vectors", collection.id(), tokens.embeddings());
        byte[] startStamp = stamp("start", collection.id(), tokens.embeddings(), tokens.products(),
                tokens.productImages());
        // current start and vector files: no catalogue row read at all
        for (Path f : files) {
            StartFile.Content start = StartFile.read(StartFile.of(f), startStamp);
            Loaded vectors = start == null ? null
                    : openVectors(f, vectorStamp, null, start.imageIds().size(), start.dim(), heapFloats, scan, checkLater);
            if (vectors != null) {
                boolean sameCodes = start.codes() != null && start.codesFromInt8() == (vectors.quantized != null);
                VectorIndex idx = new VectorIndex(start.dim(), vectors.floats, vectors.quantized, start.imageIds(),
                        start.rowProducts(), start.products(), start.productRows(), f)
                        .scanning(scan, sameCodes ? start.codes() : null);
                idx.startStamp = startStamp;
                idx.sameItems = start.sameItems();
                return idx;
            }
        }
        // a current vector file: its row ids from the primary key's index, the products from the catalogue
        for (Path f : files) {
            VectorFile.Shape shape = VectorFile.shape(f, vectorStamp);
            if (shape == null) {
                continue;
            }
            String[] ids = db.vectorIds(collection.id()).toArray(String[]::new);
            if (db.changeTokens().embeddings() != tokens.embeddings()) {
                return null;
            }
            Loaded vectors = ids.length != shape.rows() ? null
                    : openVectors(f, vectorStamp, ids, ids.length, shape.dim(), heapFloats, scan, checkLater);
            if (vectors != null) {
                return withStartFile(withProducts(db, vectors).scanning(scan, null), startStamp);
            }
        }
        VectorListing listing = listing(db, collection);
        Loaded vectors = loadVectors(db, collection, listing, files, heapFloats, scan, vectorStamp);
        return vectors == null ? null : withStartFile(withProducts(db, vectors).scanning(scan, null), startStamp);
    }

    /** SHA-256 of a label, a collection id and change tokens: the stamp of a derived file. */
    private static byte[] stamp(String what, int collectionId, long... tokens) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * tokens.length);
        b.putInt(collectionId);
        for (long t : tokens) {
            b.putLong(t);
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(what.getBytes(StandardCharsets.US_ASCII));
            return sha.digest(b.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Writes {@code idx}'s start file beside its vector file, if it has one; a file that cannot be written is no loss. */
    private static VectorIndex withStartFile(VectorIndex idx, byte[] stamp) {
        if (idx.derivedFile == null || idx.imageIds.size() == 0) {
            return idx;
        }
        idx.startStamp = stamp;
        idx.writeStartFile(null);
        return idx;
    }

    /** Writes this index's start file, with {@code same} if not null; a file that cannot be written is no loss. */
    private void writeStartFile(SameItems same) {
        Path file = StartFile.of(derivedFile);
        try {
            StartFile.write(file, startStamp, new StartFile.Content(dim, imageIds, products, productRows, binary,
                    binary != null && quantized != null, same));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "cannot write the start file {0}: {1}", file, e.toString());
        }
    }

    /**
     * Reads the rows of a derived vector file that {@link #load(CatalogDb, Collection, ScanSettings, boolean)} opened
     * without checking them (nothing when it checked them, or the index has no file): when they fail the
     * checksum the file and its start file are deleted, so that the next load rebuilds them, and this index
     * must be replaced.
     *
     * @return false when the rows failed the checksum
     */
    public boolean checkDerivedFile() {
        if (!(floats instanceof VectorFile.Rows rows) || !rows.unchecked()) {
            return true;
        }
        long start = System.nanoTime();
        if (rows.verify()) {
            LOG.log(System.Logger.Level.INFO, "vector file {0} checked in {1} ms", rows.file(),
                    (System.nanoTime() - start) / 1_000_000);
            return true;
        }
        LOG.log(System.Logger.Level.WARNING, "the vector file {0} fails its checksum: deleting it", rows.file());
        try {
            Files.deleteIfExists(rows.file());
            Files.deleteIfExists(StartFile.of(rows.file()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", rows.file(), e.toString());
        }
        return false;
    }

    /**
     * The collection's products and photos, as {@link #load(CatalogDb, Collection)} reads them, without their
     * vectors: every look score comes from {@code looks}, made for the new index (a Solr collection the
     * catalogue was pushed to). The rows are the catalogue's embedded photos, read by id without their
     * blobs, so a million of them load in seconds and take no vector memory.
     *
     * @throws IllegalStateException when the collection mixes vector lengths
     */
    public static VectorIndex remote(CatalogDb db, Collection collection, Function<VectorIndex, RemoteLooks> looks) {
        VectorListing listing = listing(db, collection);
        String[] ids = listing.imageIds().toArray(String[]::new);
        VectorIndex idx = withProducts(db, new Loaded(ids.length == 0 ? 0 : listing.maxBytes() / 4, ids, null, null,
                null));
        idx.remote = looks.apply(idx);
        return idx;
    }

    private static VectorListing listing(CatalogDb db, Collection collection) {
        VectorListing listing = db.vectorListing(collection.id());
        if (listing.minBytes() != listing.maxBytes()) {
            throw new IllegalStateException("collection " + collection.name() + " mixes vector lengths "
                    + listing.minBytes() / 4 + " and " + listing.maxBytes() / 4);
        }
        return listing;
    }

    /** The index of the catalogue's products over rows loaded (or, for a remote index, listed) already. */
    private static VectorIndex withProducts(CatalogDb db, Loaded vectors) {
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
        String[] ids = vectors.ids;
        int dim = vectors.dim;
        int[][] rowProducts = new int[ids.length][];
        List<List<Integer>> rowsOfProduct = new ArrayList<>();
        for (int i = 0; i < productList.size(); i++) {
            rowsOfProduct.add(new ArrayList<>());
        }
        for (int r = 0; r < ids.length; r++) {
            // a photo no live product shows keeps its row, scored but never a result
            List<Integer> ps = productsOfImage.getOrDefault(ids[r], List.of());
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
                    r -> positions.getOrDefault(pid + '/' + ids[r], Integer.MAX_VALUE)));
        }
        int[][] productRows = rowsOfProduct.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        return new VectorIndex(dim, vectors.floats, vectors.quantized, PhotoIds.of(ids), rowProducts,
                productList.toArray(Product[]::new), productRows, vectors.file);
    }

    /** A collection's rows as loaded: where the floats are, the int8 copy, the ids in row order. */
    private record Loaded(int dim, String[] ids, FloatRows floats, Int8Rows quantized, Path file) {}

    /**
     * The rows of the current vector file {@code file}: read through when the floats go on the heap or into the
     * int8 copy (which checks them), otherwise opened, and with {@code checkLater} not yet checked.
     *
     * @return null when the file is not current or fails its checks
     */
    private static Loaded openVectors(Path file, byte[] stamp, String[] ids, int rows, int dim, long heapFloats,
                                      ScanSettings scan, boolean checkLater) {
        boolean onHeap = (long) rows * dim <= heapFloats;
        Int8Rows quantized = onHeap || scan.needsInt8(rows) ? new Int8Rows(dim, rows) : null;
        float[] matrix = onHeap ? new float[Math.multiplyExact(rows, dim)] : null;
        VectorFile.Rows opened = quantized == null && matrix == null && checkLater
                ? VectorFile.openUnchecked(file, stamp, dim, rows)
                : VectorFile.open(file, stamp, dim, rows, (first, block, count) -> {
                    for (int i = 0; quantized != null && i < count; i++) {
                        quantized.set(first + i, block, i * dim);
                    }
                    if (matrix != null) {
                        System.arraycopy(block, 0, matrix, first * dim, count * dim);
                    }
                });
        return opened == null ? null
                : new Loaded(dim, ids, matrix != null ? new FloatRows.Heap(dim, matrix) : opened, quantized, file);
    }

    /** Null when the catalogue's vectors changed under the read (the listing no longer matches). */
    private static Loaded loadVectors(CatalogDb db, Collection collection, VectorListing listing, List<Path> files,
                                      long heapFloats, ScanSettings scan, byte[] stamp) {
        String[] ids = listing.imageIds().toArray(String[]::new);
        int rows = ids.length;
        int dim = listing.maxBytes() / 4;
        boolean onHeap = (long) rows * dim <= heapFloats;
        // with the first pass on and the floats in the file, the int8 copy may stay off the heap
        Int8Rows quantized = onHeap || scan.needsInt8(rows) ? new Int8Rows(dim, rows) : null;
        float[] matrix = onHeap ? new float[Math.multiplyExact(rows, dim)] : null;
        if (rows == 0) {
            return new Loaded(dim, ids, new FloatRows.Heap(dim, new float[0]), quantized, null);
        }
        // no current file: read the catalogue, writing the file on the way
        VectorFile.Writer writer = null;
        Path written = null;
        for (Path f : files) {
            try {
                writer = VectorFile.create(f, stamp, dim, rows);
                written = f;
                break;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.INFO, "cannot write the vector file {0}: {1}", f, e.toString());
            }
        }
        float[] heap = matrix != null || writer != null ? matrix : new float[Math.multiplyExact(rows, dim)];
        if (heap != matrix) {
            LOG.log(System.Logger.Level.WARNING, "no place to write a vector file for collection {0}: "
                    + "its {1} vectors stay on the heap", collection.name(), rows);
        }
        try (VectorFile.Writer w = writer) {
            int[] at = {0};
            boolean[] changed = {false};
            IOException[] failed = {null};
            db.forEachVector(collection.id(), v -> {
                int r = at[0]++;
                if (changed[0] || r >= rows || !v.imageId().equals(ids[r]) || v.vector().length != dim) {
                    changed[0] = true;
                    return;
                }
                float[] unit = Vectors.normalize(v.vector());
                if (quantized != null) {
                    quantized.set(r, unit, 0);
                }
                if (heap != null) {
                    System.arraycopy(unit, 0, heap, r * dim, dim);
                }
                if (w != null && failed[0] == null) {
                    try {
                        w.add(unit, 0);
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                }
            });
            if (changed[0] || at[0] != rows) {
                return null;
            }
            if (w != null && failed[0] == null) {
                try {
                    VectorFile.Rows opened = w.finish();
                    return new Loaded(dim, ids, heap != null ? new FloatRows.Heap(dim, heap) : opened, quantized, written);
                } catch (IOException e) {
                    failed[0] = e;
                }
            }
            if (heap == null) {
                // the file failed half-way and the floats were meant to live in it: read them again, onto the heap
                LOG.log(System.Logger.Level.WARNING, "cannot write the vector file {0} ({1}); reading the vectors "
                        + "onto the heap instead", written, failed[0]);
                return loadVectors(db, collection, listing, List.of(), Long.MAX_VALUE, scan, stamp);
            }
            return new Loaded(dim, ids, new FloatRows.Heap(dim, heap), quantized, null);
        }
    }

    /**
     * An index of one photo per product, row {@code i} of {@code matrix} (unit vectors, row-major)
     * belonging to {@code products[i]}; for benchmarks and tools that build vectors themselves.
     */
    public static VectorIndex ofRows(int dim, float[] matrix, String[] imageIds, Product[] products) {
        return ofRows(dim, matrix, imageIds, products, ScanSettings.DEFAULTS);
    }

    /** {@link #ofRows(int, float[], String[], Product[])} with {@code scan} saying how {@link #scoreTop} scans. */
    public static VectorIndex ofRows(int dim, float[] matrix, String[] imageIds, Product[] products,
                                     ScanSettings scan) {
        if (matrix.length != (long) dim * products.length || imageIds.length != products.length) {
            throw new IllegalArgumentException("matrix, image ids and products disagree in size");
        }
        int[][] rows = new int[products.length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new int[] {i};
        }
        return new VectorIndex(dim, matrix, imageIds, rows, products, rows).scanning(scan);
    }

    /**
     * Writes a vector file of {@code rows} unit vectors of {@code dim} for {@link #ofRowFile}; for benchmarks
     * and tools that make vectors themselves and would not hold them all on the heap.
     *
     * @param row the unit vector of each row, asked for in row order
     * @throws IOException when the file cannot be written
     */
    public static void writeRowFile(Path file, int dim, int rows, IntFunction<float[]> row) throws IOException {
        try (VectorFile.Writer w = VectorFile.create(file, TOOL_STAMP, dim, rows)) {
            for (int r = 0; r < rows; r++) {
                w.add(row.apply(r), 0);
            }
            w.finish();
        }
    }

    /**
     * An index of one photo per product, row {@code i} of the file {@link #writeRowFile} wrote belonging to
     * {@code products[i]}, its float32 rows left in the file (read once, to check it and make the int8
     * copy).
     *
     * @throws IOException when the file is missing, of another shape, truncated or corrupt
     */
    public static VectorIndex ofRowFile(Path file, int dim, String[] imageIds, Product[] products) throws IOException {
        return ofRowFile(file, dim, imageIds, products, ScanSettings.DEFAULTS);
    }

    /**
     * {@link #ofRowFile(Path, int, String[], Product[])} with {@code scan} saying how {@link #scoreTop} scans.
     *
     * @throws IOException when the file is missing, of another shape, truncated or corrupt
     */
    public static VectorIndex ofRowFile(Path file, int dim, String[] imageIds, Product[] products, ScanSettings scan)
            throws IOException {
        int n = products.length;
        if (imageIds.length != n) {
            throw new IllegalArgumentException("image ids and products disagree in size");
        }
        Int8Rows quantized = scan.needsInt8(n) ? new Int8Rows(dim, n) : null;
        VectorFile.Rows opened = VectorFile.open(file, TOOL_STAMP, dim, n, (first, block, count) -> {
            for (int i = 0; quantized != null && i < count; i++) {
                quantized.set(first + i, block, i * dim);
            }
        });
        if (opened == null) {
            throw new IOException(file + " is not a vector file of " + n + " rows of " + dim + " (or it is damaged)");
        }
        int[][] rows = new int[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new int[] {i};
        }
        return new VectorIndex(dim, opened, quantized, PhotoIds.of(imageIds), rows, products, rows, file).scanning(scan);
    }

    /** This index, with the first pass's codes made when {@code scan} wants them at its size. */
    private VectorIndex scanning(ScanSettings scan) {
        return scanning(scan, null);
    }

    /** {@link #scanning(ScanSettings)} with the codes made already (by an earlier load, kept in the start file), if not null. */
    private VectorIndex scanning(ScanSettings scan, BinaryCodes made) {
        if (scan.firstPass(imageIds.size())) {
            long t = System.nanoTime();
            // in product order (rowList), so that the pass over products reads them in sequence
            binary = made != null && made.rows() == rowList.length ? made
                    : (quantized != null ? BinaryCodes.of(quantized) : BinaryCodes.of(floats)).inOrder(rowList);
            candidates = scan.candidates();
            LOG.log(System.Logger.Level.DEBUG, "binary codes of {0} photos ({1} MiB) in {2} ms", imageIds.size(),
                    binary.bytes() >> 20, (System.nanoTime() - t) / 1_000_000);
        }
        return this;
    }

    /**
     * Whether {@link #scoreTop} (and so {@link #search}) takes the binary first pass: its scores are exact
     * but its top may miss a product the exact scan would rank in it ({@link ScanSettings}).
     */
    public boolean approximatesTop() {
        return binary != null;
    }

    /** The derived vector file the float32 rows were read from, or empty when none was usable. */
    public Optional<Path> derivedFile() {
        return Optional.ofNullable(derivedFile);
    }

    /**
     * Whether the float32 rows are on the heap (small indexes, or no place for a derived file): only then
     * can {@link #precomputeLookalikes} run.
     */
    public boolean vectorsOnHeap() {
        return matrix != null;
    }

    public int dim() {
        return dim;
    }

    /** Number of photos with vectors that a product shows. */
    public int size() {
        return shownRows;
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
        Integer i = find(id);
        return i == null ? Optional.empty() : Optional.of(products[i]);
    }

    /**
     * The vector of the product's first embedded photo (shop order), or empty when the product is
     * unknown or none of its photos has a vector.
     */
    public Optional<float[]> productVector(String id) {
        Integer i = find(id);
        if (i == null || productRows[i].length == 0) {
            return Optional.empty();
        }
        return remote != null ? remote.productVector(i) : Optional.of(rowVector(productRows[i][0]));
    }

    /**
     * The best products for a unit query vector, best first: each product scored by its best photo,
     * filtered inside the scan, {@code offset} skipped, at most {@code limit} returned.
     */
    public List<Match> search(float[] query, SearchFilter filter, int limit, int offset) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, the index " + dim);
        }
        if (imageIds.size() == 0 || limit <= 0) {
            return List.of();
        }
        ScoredProducts top = scoreTop(query, Math.addExact(offset, limit), accepting(filter));
        List<Match> out = new ArrayList<>();
        for (int i = offset; i < top.count(); i++) {
            out.add(match(top.products()[i], top.rows()[i], top.scores()[i], filter));
        }
        return out;
    }

    /**
     * {@link #search} by the exact int8 scan whatever the {@link ScanSettings}: what the binary first pass is
     * measured against (the same matches in the same order as {@link #searchExhaustive}, at a quarter of its
     * reading).
     */
    public List<Match> searchExactly(float[] query, SearchFilter filter, int limit, int offset) {
        checkQuery(query);
        if (imageIds.size() == 0 || limit <= 0) {
            return List.of();
        }
        ScoredProducts top = scoreTopExactly(query, Math.addExact(offset, limit), accepting(filter));
        List<Match> out = new ArrayList<>();
        for (int i = offset; i < top.count(); i++) {
            out.add(match(top.products()[i], top.rows()[i], top.scores()[i], filter));
        }
        return out;
    }

    /**
     * {@link #search} by the plain float32 scan of every row, without the int8 copy: the reference the
     * bounded scan must equal (the same matches in the same order), and the baseline benchmarks time it
     * against. Reads every float, so it is slow on an index whose floats are in the derived file.
     */
    public List<Match> searchExhaustive(float[] query, SearchFilter filter, int limit, int offset) {
        checkQuery(query);
        local("the exhaustive scan");
        if (imageIds.size() == 0 || limit <= 0) {
            return List.of();
        }
        boolean[] eligible = new boolean[products.length];
        boolean everything = filter.equals(SearchFilter.NONE);
        for (int p = 0; p < products.length; p++) {
            eligible[p] = productRows[p].length > 0 && (everything || filter.accepts(products[p]));
        }
        float[] best = new float[products.length];
        int[] bestRow = new int[products.length];
        bestPerProduct(exactScores(query), rowProducts, eligible, best, bestRow);
        int[] order = TopK.select(best, Math.addExact(offset, limit));
        List<Match> out = new ArrayList<>();
        for (int i = offset; i < order.length; i++) {
            out.add(match(order[i], bestRow[order[i]], best[order[i]], filter));
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
        Integer p = find(productId);
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
        local("lookalike lists");
        if (matrix == null) {
            throw new IllegalStateException("lookalike lists need the vectors on the heap; this index of "
                    + imageIds.size() + " photos keeps them in " + derivedFile);
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
        return new Match(products[p], imageIds.get(row), score, saving);
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

    /** The number of rows, photos no product shows included (row numbers run from 0 to this). */
    int rowCount() {
        return imageIds.size();
    }

    /** The number of products, with photos or not (product indexes run from 0 to this). */
    public int productTotal() {
        return products.length;
    }

    /** The index of the product with this id, -1 when there is none. */
    public int indexOf(String id) {
        Integer i = find(id);
        return i == null ? -1 : i;
    }

    Product productAt(int p) {
        return products[p];
    }

    public boolean hasPhoto(int p) {
        return productRows[p].length > 0;
    }

    /** The row of the product's first photo (shop order); the product must have one. */
    int firstRow(int p) {
        return productRows[p][0];
    }

    public String imageIdOfRow(int row) {
        return imageIds.get(row);
    }

    /** Copies of rows' unit vectors, in the order asked (one request to a remote index). */
    float[][] rowVectors(int[] rows) {
        if (remote != null) {
            return remote.rowVectors(rows);
        }
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rowVector(rows[i]);
        }
        return out;
    }

    /** A copy of a row's unit vector. */
    float[] rowVector(int row) {
        if (remote != null) {
            return remote.rowVectors(new int[] {row})[0];
        }
        float[] v = new float[dim];
        floats.read(row, v);
        return v;
    }

    /**
     * Every product's best photo score for a unit query ({@code best}, −∞ without photos) and its row: the
     * exact float32 score of every row, so it reads every float (2 GB at a million 512-d photos); when only
     * the best products or those above a score matter, {@link #scoreTop} and {@link #scoreAtLeast} give the
     * same scores reading a quarter of that.
     */
    void scoreAll(float[] query, float[] best, int[] bestRow) {
        checkQuery(query);
        local("scoring every photo");
        boolean[] eligible = new boolean[products.length];
        for (int p = 0; p < products.length; p++) {
            eligible[p] = productRows[p].length > 0;
        }
        bestPerProduct(exactScores(query), rowProducts, eligible, best, bestRow);
    }

    /**
     * The best products of a query: products by index, each with its best photo's row and exact score,
     * best first, ties to the smaller product index.
     *
     * @param count         how many entries of the arrays are valid
     * @param eligibleCount how many products with a photo the query's {@code eligible} accepted (all of them,
     *                      not only those returned)
     */
    public record ScoredProducts(int[] products, int[] rows, float[] scores, int count, int eligibleCount) {}

    /**
     * The {@code k} products with the highest exact score for a unit query among the products with photos
     * that {@code eligible} accepts, best first: each product scored by its best photo (the first row wins a
     * tie), ties between products to the smaller index. Exactly what {@link #scoreAll} followed by
     * {@code TopK.select} over the eligible products gives, scores bit for bit, at the cost of the int8
     * scan plus the re-scoring of the rows whose error bound reaches the k-th score. With the binary first
     * pass ({@link #approximatesTop}) the scores and order are still exact, but a product the exact scan
     * ranks in the top may be missing, replaced by the next one (recall@10 measured ≥ 0.99 on clustered
     * vectors by {@code BinaryScanTest}).
     *
     * @param eligible which product indexes may be returned (asked once per product with a photo, from
     *     several threads at once); null for every product with a photo
     * @return fewer than {@code k} entries only when fewer products are eligible
     */
    ScoredProducts scoreTop(float[] query, int k, IntPredicate eligible) {
        checkQuery(query);
        if (k <= 0 || imageIds.size() == 0) {
            return new ScoredProducts(new int[0], new int[0], new float[0], 0, k <= 0 ? eligibleCount(eligible) : 0);
        }
        if (remote != null) {
            return remote.top(query, k, Eligible.of(eligible));
        }
        if (binary != null) {
            return shortlisted(query, k, eligible);
        }
        return bounded(query, k, Float.NEGATIVE_INFINITY, eligible);
    }

    /**
     * {@link #scoreTop} by the exact int8 scan whatever the {@link ScanSettings}: the reference the first
     * pass is measured against.
     */
    ScoredProducts scoreTopExactly(float[] query, int k, IntPredicate eligible) {
        checkQuery(query);
        local("the exact scan");
        if (k <= 0 || imageIds.size() == 0) {
            return new ScoredProducts(new int[0], new int[0], new float[0], 0, k <= 0 ? eligibleCount(eligible) : 0);
        }
        return bounded(query, k, Float.NEGATIVE_INFINITY, eligible);
    }

    /**
     * How many times the candidates the edge is placed to let through: the estimates then pick the
     * candidates among them, so all the width has to cover is the error of the edge's sample (about 11% at
     * the defaults); a pass that lets fewer through is run again without an edge.
     */
    static final int EDGE_WIDTH = 2;

    /**
     * The first pass: every eligible product gets an estimate (its best photo's {@link BinaryCodes#estimates});
     * of those at or above an edge that about {@code EDGE_WIDTH} times the candidates reach (placed from a
     * sample), the {@code max(k, candidates)} best are scored exactly (their int8 estimates and error bounds
     * first, then in float32 every photo that can still reach the k-th of them), and the best {@code k} of
     * those returned: exactly the top {@code k} of the candidates. Filters are applied in the pass, so every
     * eligible product competes. The pass reads each product's codes once, in order.
     */
    private ScoredProducts shortlisted(float[] query, int k, IntPredicate eligible) {
        BinaryCodes.Query bq = binary.query(query);
        int n = products.length;
        int keep = Math.max(k, candidates);
        int wide = (int) Math.min(Integer.MAX_VALUE, (long) keep * EDGE_WIDTH);
        int chunks = n >= PARALLEL_PRODUCTS ? Runtime.getRuntime().availableProcessors() * 4 : 1;
        int step = (n + chunks - 1) / chunks;
        // the estimates of a sample of the products place the edge about `wide` of them reach
        float edge = edge(bq, eligible, wide);
        int competing = competing(eligible, chunks, step);
        // a narrow filter: only the windows of its products' photos are estimated
        boolean few = eligible != null && competing < n / FEW;
        Picked picked = few ? picked(bq, eligible, edge, chunks, step) : pickedByEntry(bq, eligible, edge, chunks, step);
        if (picked.products.length < Math.min(keep, competing)) {
            // the sample misled (fewer reached the edge than it promised): every competing product, then
            picked = few ? picked(bq, eligible, Float.NEGATIVE_INFINITY, chunks, step)
                    : pickedByEntry(bq, eligible, Float.NEGATIVE_INFINITY, chunks, step);
        }
        int m0 = picked.products.length;
        int[] chosen = TopK.select(picked.estimates, Math.min(keep, m0));
        int[] ps = new int[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            ps[i] = picked.products[chosen[i]];
        }
        // in product order, so that equal scores keep the smaller product first
        Arrays.sort(ps);
        int m = ps.length;
        // the int8 bound, as in the exact scan but over the candidates only: the k-th best lower bound is at
        // most the k-th best exact score among them, so a photo whose upper bound is below it need no float32
        float queryNorm = (float) (Math.sqrt(Vectors.dot(query, query)) * (1 + 1e-6));
        int[] at = new int[m + 1];
        for (int i = 0; i < m; i++) {
            at[i + 1] = at[i] + rowStart[ps[i] + 1] - rowStart[ps[i]];
        }
        float[] estimates = new float[at[m]];
        FloatHeap lows = new FloatHeap(k);
        for (int i = 0; quantized != null && i < m; i++) {
            int p = ps[i];
            float lo = Float.NEGATIVE_INFINITY;
            for (int j = rowStart[p], e = at[i]; j < rowStart[p + 1]; j++, e++) {
                int r = rowList[j];
                estimates[e] = quantized.estimate(query, r);
                lo = Math.max(lo, estimates[e] - quantized.bound(r, queryNorm));
            }
            lows.offer(lo);
        }
        float cut = m > k && lows.size() == k ? lows.min() : Float.NEGATIVE_INFINITY;
        float[] best = new float[m];
        int[] bestRow = new int[m];
        int parts = m >= 256 ? Runtime.getRuntime().availableProcessors() : 1;
        int per = (m + parts - 1) / parts;
        run(parts, c -> {
            float[] scratch = new float[dim];
            for (int i = Math.min(m, c * per), end = Math.min(m, (c + 1) * per); i < end; i++) {
                int p = ps[i];
                float b = Float.NEGATIVE_INFINITY;
                int row = -1;
                for (int j = rowStart[p], e = at[i]; j < rowStart[p + 1]; j++, e++) {
                    int r = rowList[j];
                    if (quantized != null && !(estimates[e] + quantized.bound(r, queryNorm) >= cut)) {
                        continue; // cannot reach the k-th candidate's score
                    }
                    float score = floats.dot(query, r, scratch);
                    if (row < 0 || score > b || (score == b && r < row)) {
                        b = score;
                        row = r;
                    }
                }
                best[i] = b; // −∞ when no photo can reach the cut: TopK never takes it
                bestRow[i] = row;
            }
        });
        int[] order = TopK.select(best, Math.min(k, m));
        int[] outProducts = new int[order.length];
        int[] rows = new int[order.length];
        float[] scores = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            outProducts[i] = ps[order[i]];
            rows[i] = bestRow[order[i]];
            scores[i] = best[order[i]];
        }
        return new ScoredProducts(outProducts, rows, scores, order.length, competing);
    }

    /** One product in this many is sampled to place {@link #edge}. */
    private static final int EDGE_SAMPLE = 64;

    /**
     * The sample is taken in runs of this many neighbouring products (a catalogue's products are in id order,
     * which is a hash's, so neighbours are as good a sample as any).
     */
    private static final int EDGE_RUN = 64;

    /**
     * An estimate about {@code wide} of the eligible products reach, read off the estimates of one product
     * in {@link #EDGE_SAMPLE} (in runs of {@link #EDGE_RUN}): the sampled products above it stand for
     * {@code EDGE_SAMPLE} times as many, and a quarter more are kept for the sample's error, so that a few
     * more than {@code wide} pass rather than fewer. −∞ when the sample holds too few.
     */
    private float edge(BinaryCodes.Query bq, IntPredicate eligible, int wide) {
        int n = products.length;
        float[] sample = new float[n / EDGE_SAMPLE + EDGE_RUN];
        int m = 0;
        float[] estimates = new float[0];
        // runs of neighbours rather than single products: each run's codes are read in one stretch
        for (int run = 0; run < n; run += EDGE_SAMPLE * EDGE_RUN) {
            int end = Math.min(n, run + EDGE_RUN);
            int first = rowStart[run];
            if (estimates.length < rowStart[end] - first) {
                estimates = new float[rowStart[end] - first];
            }
            binary.estimates(bq, first, rowStart[end], estimates, 0);
            for (int p = run; p < end; p++) {
                if (rowStart[p] < rowStart[p + 1] && (eligible == null || eligible.test(p))) {
                    sample[m++] = best(estimates, rowStart[p] - first, rowStart[p + 1] - first);
                }
            }
        }
        int rank = (int) Math.ceil(1.25 * wide / EDGE_SAMPLE);
        if (rank >= m) {
            return Float.NEGATIVE_INFINITY;
        }
        int[] top = TopK.select(Arrays.copyOf(sample, m), rank + 1);
        return sample[top[rank]];
    }

    /** The largest of {@code values[from … to)}. */
    private static float best(float[] values, int from, int to) {
        float best = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            best = Math.max(best, values[i]);
        }
        return best;
    }

    /** Products, in product order, with their estimates. */
    private record Picked(int[] products, float[] estimates) {}

    /** Entries whose estimates the pass works out at a time, in one stretch (64 KiB of floats: in L2). */
    private static final int PASS_WINDOW = 1 << 14;

    /**
     * Below one product in this many eligible, the pass goes product by product ({@link #picked}) and
     * estimates only the windows that hold an eligible product's photos; above, it estimates every photo
     * and looks at the product of a photo only when the photo reaches the edge ({@link #pickedByEntry}).
     */
    private static final int FEW = 16;

    /** The eligible products with a photo, counted over the cores. */
    private int competing(IntPredicate eligible, int chunks, int step) {
        int n = products.length;
        int[] starts = rowStart;
        int[] counts = new int[chunks];
        run(chunks, c -> {
            int count = 0;
            for (int p = Math.min(n, c * step), end = Math.min(n, (c + 1) * step); p < end; p++) {
                if (starts[p] < starts[p + 1] && (eligible == null || eligible.test(p))) {
                    count++;
                }
            }
            counts[c] = count;
        });
        return Arrays.stream(counts).sum();
    }

    /**
     * Every eligible product whose estimate is at least {@code edge}, in product order, with that estimate,
     * product by product: estimates are worked out a window of entries at a time, from an eligible
     * product's first photo on, so the windows without an eligible product are skipped.
     */
    private Picked picked(BinaryCodes.Query bq, IntPredicate eligible, float edge, int chunks, int step) {
        int n = products.length;
        int[] starts = rowStart;
        BinaryCodes codes = binary;
        Collected[] parts = new Collected[chunks];
        run(chunks, c -> {
            Collected out = new Collected();
            int last = Math.min(n, (c + 1) * step);
            int chunkEnd = starts[last];
            float[] window = new float[PASS_WINDOW];
            int windowFrom = 0;
            int windowTo = 0;
            for (int p = Math.min(n, c * step); p < last; p++) {
                int from = starts[p];
                int to = starts[p + 1];
                if (from == to || (eligible != null && !eligible.test(p))) {
                    continue;
                }
                if (to > windowTo) {
                    windowFrom = from;
                    windowTo = Math.min(chunkEnd, Math.max(to, from + PASS_WINDOW));
                    if (window.length < windowTo - windowFrom) {
                        window = new float[windowTo - windowFrom];
                    }
                    codes.estimates(bq, windowFrom, windowTo, window, 0);
                }
                float best = best(window, from - windowFrom, to - windowFrom);
                if (best >= edge) {
                    out.add(p, best);
                }
            }
            parts[c] = out;
        });
        return Collected.join(parts);
    }

    /**
     * {@link #picked} photo by photo: every photo's estimate, and for the few at or above the edge their
     * product (found by binary search in the photo ranges), kept when eligible. Reads no per-product
     * array for the photos below the edge, which at a million products is most of what a product-by-product
     * pass costs beside the estimates.
     */
    private Picked pickedByEntry(BinaryCodes.Query bq, IntPredicate eligible, float edge, int chunks, int step) {
        int n = products.length;
        int[] starts = rowStart;
        BinaryCodes codes = binary;
        Collected[] parts = new Collected[chunks];
        run(chunks, c -> {
            Collected out = new Collected();
            int first = Math.min(n, c * step);
            int last = Math.min(n, (c + 1) * step);
            float[] window = new float[PASS_WINDOW];
            // photos in product order: this chunk's products hold photos starts[first] … starts[last]
            for (int from = starts[first], end = starts[last]; from < end; from += PASS_WINDOW) {
                int to = Math.min(end, from + PASS_WINDOW);
                codes.estimates(bq, from, to, window, 0);
                for (int i = 0, m = to - from; i < m; i++) {
                    float estimate = window[i];
                    if (estimate >= edge) {
                        int p = productOfEntry(from + i, first, last);
                        if (eligible == null || eligible.test(p)) {
                            out.addBest(p, estimate);
                        }
                    }
                }
            }
            parts[c] = out;
        });
        return Collected.join(parts);
    }

    /** The product among {@code first … last)} whose photo range holds entry {@code e}. */
    private int productOfEntry(int e, int first, int last) {
        int lo = first;
        int hi = last - 1;
        // the last product whose range starts at or before e: products without photos start where the next does
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (rowStart[mid] <= e) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Products and their estimates as one chunk of the pass collects them, in product order. */
    private static final class Collected {
        private int[] products = new int[64];
        private float[] estimates = new float[64];
        private int size;

        void add(int p, float estimate) {
            if (size == products.length) {
                products = Arrays.copyOf(products, 2 * size);
                estimates = Arrays.copyOf(estimates, 2 * size);
            }
            products[size] = p;
            estimates[size++] = estimate;
        }

        /** {@link #add}, or the larger estimate when {@code p} is the product added last (another of its photos). */
        void addBest(int p, float estimate) {
            if (size > 0 && products[size - 1] == p) {
                estimates[size - 1] = Math.max(estimates[size - 1], estimate);
            } else {
                add(p, estimate);
            }
        }

        static Picked join(Collected[] parts) {
            int total = 0;
            for (Collected part : parts) {
                total += part.size;
            }
            int[] products = new int[total];
            float[] estimates = new float[total];
            int at = 0;
            for (Collected part : parts) {
                System.arraycopy(part.products, 0, products, at, part.size);
                System.arraycopy(part.estimates, 0, estimates, at, part.size);
                at += part.size;
            }
            return new Picked(products, estimates);
        }
    }

    /** Product {@code p}'s exact best photo score and row into {@code best[at]} and {@code bestRow[at]}. */
    private void bestOfProduct(float[] query, int p, float[] scratch, float[] best, int[] bestRow, int at) {
        float b = Float.NEGATIVE_INFINITY;
        int row = -1;
        for (int j = rowStart[p]; j < rowStart[p + 1]; j++) {
            int r = rowList[j];
            float score = floats.dot(query, r, scratch);
            if (row < 0 || score > b || (score == b && r < row)) {
                b = score;
                row = r;
            }
        }
        best[at] = b;
        bestRow[at] = row;
    }

    /**
     * Every product with a photo that {@code eligible} accepts whose exact score for a unit query is at
     * least {@code threshold}, best first, scored and ordered as {@link #scoreTop} does; exact too. A
     * threshold of −∞ returns every eligible product (and then costs a full float32 scan).
     *
     * @param eligible as for {@link #scoreTop}
     */
    ScoredProducts scoreAtLeast(float[] query, float threshold, IntPredicate eligible) {
        checkQuery(query);
        if (Float.isNaN(threshold)) {
            throw new IllegalArgumentException("the threshold is not a number");
        }
        if (imageIds.size() == 0) {
            return new ScoredProducts(new int[0], new int[0], new float[0], 0, 0);
        }
        if (remote != null) {
            return remote.atLeast(query, threshold, Eligible.of(eligible));
        }
        if (threshold == Float.NEGATIVE_INFINITY) {
            return everything(query, eligible);
        }
        return bounded(query, Integer.MAX_VALUE, threshold, eligible);
    }

    /**
     * The exact best photo score and row of each of {@code ps} for a unit query, as {@link #scoreAll} gives
     * them ({@code best[i]} −∞ and {@code bestRow[i]} −1 for a product without photos): for products found
     * another way (the words index) that the look's top did not return. Costs one float32 dot product
     * per photo of the listed products.
     */
    void scoreProducts(float[] query, int[] ps, float[] best, int[] bestRow) {
        checkQuery(query);
        if (remote != null) {
            remote.score(query, ps, best, bestRow);
            return;
        }
        float[] scratch = new float[dim];
        for (int i = 0; i < ps.length; i++) {
            bestOfProduct(query, ps[i], scratch, best, bestRow, i);
        }
    }

    /**
     * {@code filter.accepts(productAt(p))} as a predicate over product indexes: a bit per product, worked
     * out once per query from primitive columns (prices, and shops, brands, categories and currencies
     * numbered once per index) without a branch per product, so the scan tests a bit (a predicate reading
     * the columns product by product cost 12 ns each at a million, most of it mispredicted branches on
     * the price). Null for {@link SearchFilter#NONE}. Accepts exactly the products {@code filter.accepts}
     * accepts.
     */
    IntPredicate accepting(SearchFilter filter) {
        if (filter.equals(SearchFilter.NONE)) {
            return null;
        }
        Columns c = columns();
        boolean needsPrice = filter.minPrice() != null || filter.maxPrice() != null || filter.cheaperThan() != null;
        double min = filter.minPrice() == null ? Double.NEGATIVE_INFINITY : filter.minPrice();
        double max = filter.maxPrice() == null ? Double.POSITIVE_INFINITY : filter.maxPrice();
        boolean cheaper = filter.cheaperThan() != null;
        double below = cheaper ? filter.cheaperThan() : Double.POSITIVE_INFINITY;
        int currency = cheaper ? c.currencies.getOrDefault(filter.currency() == null ? NO_VALUE : filter.currency(), -2) : -1;
        int shop = filter.shop() == null ? -1 : c.names.getOrDefault(filter.shop().toLowerCase(Locale.ROOT), -2);
        int brand = filter.brand() == null ? -1 : c.names.getOrDefault(filter.brand().toLowerCase(Locale.ROOT), -2);
        int category = filter.category() == null ? -1
                : c.names.getOrDefault(filter.category().toLowerCase(Locale.ROOT), -2);
        int n = products.length;
        long[] bits = new long[(n + 63) >>> 6];
        Arrays.fill(bits, -1L);
        // one pass per condition the filter sets, over its column alone, each without a branch per product
        if (needsPrice) {
            keepPrices(bits, n, c.prices, min, max, below);
        }
        keepEqual(bits, n, c.currency, currency);
        keepEqual(bits, n, c.shop, shop);
        keepEqual(bits, n, c.brand, brand);
        keepEqual(bits, n, c.category, category);
        if (filter.exclude() != null) {
            int excluded = indexOf(filter.exclude());
            if (excluded >= 0) {
                bits[excluded >>> 6] &= ~(1L << excluded);
            }
        }
        if (filter.within() != null) {
            long[] within = new long[bits.length];
            for (String id : filter.within()) {
                int p = indexOf(id);
                if (p >= 0) {
                    within[p >>> 6] |= 1L << p;
                }
            }
            for (int w = 0; w < bits.length; w++) {
                bits[w] &= within[w];
            }
        }
        return p -> (bits[p >>> 6] & 1L << p) != 0;
    }

    /** Clears the bits of the products whose {@code column} value is not {@code value}; nothing when it is −1 (not asked). */
    private void keepEqual(long[] bits, int n, int[] column, int value) {
        if (value == -1) {
            return;
        }
        forWords(bits, n, (from, to) -> {
            for (int w = from; w < to; w++) {
                long word = 0;
                for (int p = w << 6, last = Math.min(n, p + 64); p < last; p++) {
                    word |= (column[p] == value ? 1L : 0L) << p;
                }
                bits[w] &= word;
            }
        });
    }

    /** Clears the bits of the products whose price is not within {@code min … max} and below {@code below}. */
    private void keepPrices(long[] bits, int n, double[] prices, double min, double max, double below) {
        forWords(bits, n, (from, to) -> {
            for (int w = from; w < to; w++) {
                long word = 0;
                for (int p = w << 6, last = Math.min(n, p + 64); p < last; p++) {
                    double price = prices[p];
                    // & rather than &&, so no branch to mispredict; a missing price is NaN, which each refuses
                    word |= (price >= min & price <= max & price < below ? 1L : 0L) << p;
                }
                bits[w] &= word;
            }
        });
    }

    /** Words {@code from … to)} of a product bit mask. */
    @FunctionalInterface
    private interface Words {
        void range(int from, int to);
    }

    /** Hands {@code work} the words of {@code bits} in ranges, over the cores at large sizes. */
    private static void forWords(long[] bits, int n, Words work) {
        int chunks = n >= PARALLEL_PRODUCTS ? Runtime.getRuntime().availableProcessors() * 4 : 1;
        int per = (bits.length + chunks - 1) / chunks;
        run(chunks, k -> work.range(Math.min(bits.length, k * per), Math.min(bits.length, (k + 1) * per)));
    }

    /** Stands for a null currency in the currency numbering. */
    private static final String NO_VALUE = "\u0000none";

    /** The products' filter fields as columns; names compared lower-cased, as {@link SearchFilter} does. */
    private record Columns(double[] prices, int[] currency, int[] shop, int[] brand, int[] category,
                           Map<String, Integer> currencies, Map<String, Integer> names) {}

    private volatile Columns columns;

    private Columns columns() {
        Columns c = columns;
        if (c == null) {
            synchronized (this) {
                c = columns;
                if (c == null) {
                    int n = products.length;
                    double[] prices = new double[n];
                    int[] currency = new int[n];
                    int[] shop = new int[n];
                    int[] brand = new int[n];
                    int[] category = new int[n];
                    Map<String, Integer> currencies = new HashMap<>();
                    Map<String, Integer> names = new HashMap<>();
                    for (int p = 0; p < n; p++) {
                        Product product = products[p];
                        prices[p] = product.price() == null ? Double.NaN : product.price();
                        String cur = product.currency() == null ? NO_VALUE : product.currency();
                        currency[p] = currencies.computeIfAbsent(cur, k -> currencies.size());
                        shop[p] = number(names, product.shop());
                        brand[p] = number(names, product.brand());
                        category[p] = number(names, product.category());
                    }
                    c = new Columns(prices, currency, shop, brand, category, currencies, names);
                    columns = c;
                }
            }
        }
        return c;
    }

    /** A name's number (−3 for none, which no filter's number equals). */
    private static int number(Map<String, Integer> names, String name) {
        return name == null ? -3 : names.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> names.size());
    }

    /** Whether the look scores come from elsewhere ({@link #remote}): then only the ranking calls score. */
    public boolean isRemote() {
        return remote != null;
    }

    /** The row of a photo by its image id, -1 when the index has no such row. */
    public int rowOf(String imageId) {
        Map<String, Integer> rows = rowIndex;
        if (rows == null) {
            rows = new HashMap<>(imageIds.size() * 2);
            for (int r = 0; r < imageIds.size(); r++) {
                rows.put(imageIds.get(r), r);
            }
            rowIndex = rows;
        }
        return rows.getOrDefault(imageId, -1);
    }

    private volatile Map<String, Integer> rowIndex;

    /** The id of product {@code p}. */
    public String productId(int p) {
        return products[p].id();
    }

    /** The products that show the photo of row {@code row} (none for a photo no live product shows). */
    public int[] productsOfRow(int row) {
        return rowProducts[row].clone();
    }

    private void local(String what) {
        if (remote != null) {
            throw new IllegalStateException(what + " needs the vectors in this process; this index's are remote");
        }
    }

    private void checkQuery(float[] query) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, the index " + dim);
        }
    }

    private int eligibleCount(IntPredicate eligible) {
        int n = 0;
        for (int p = 0; p < products.length; p++) {
            if (productRows[p].length > 0 && (eligible == null || eligible.test(p))) {
                n++;
            }
        }
        return n;
    }

    /** The exact float32 score of every row. */
    private float[] exactScores(float[] query) {
        if (scan != null) {
            return scan.scores(query);
        }
        VectorFile.Rows file = (VectorFile.Rows) floats;
        int rows = imageIds.size();
        float[] out = new float[rows];
        int chunks = Runtime.getRuntime().availableProcessors() * 4;
        int step = (rows + chunks - 1) / chunks;
        IntStream.range(0, chunks).parallel()
                .forEach(c -> file.scores(query, out, Math.min(rows, c * step), Math.min(rows, (c + 1) * step)));
        return out;
    }

    private ScoredProducts everything(float[] query, IntPredicate eligible) {
        return byFloats(query, Integer.MAX_VALUE, Float.NEGATIVE_INFINITY, eligible);
    }

    /**
     * The bounded scan: int8 estimates of every row; each eligible product's lower bound (best estimate
     * minus its row's error bound) and upper bound; the k-th best lower bound {@code L}, raised to
     * {@code threshold}, is at most the k-th best exact score, so a row whose upper bound is below it can
     * neither be a top-k product's best photo nor reach the threshold; every other row of a product whose
     * upper bound reaches {@code L} is re-scored in float32.
     */
    private ScoredProducts bounded(float[] query, int k, float threshold, IntPredicate eligible) {
        if (quantized == null) {
            return byFloats(query, k, threshold, eligible);
        }
        float queryNorm = (float) (Math.sqrt(Vectors.dot(query, query)) * (1 + 1e-6));
        float[] est = quantized.estimates(query);
        int n = products.length;
        boolean[] ok = new boolean[n];
        boolean wantFloor = k != Integer.MAX_VALUE;
        int chunks = n >= PARALLEL_PRODUCTS ? Runtime.getRuntime().availableProcessors() * 4 : 1;
        int step = (n + chunks - 1) / chunks;
        int[] counts = new int[chunks];
        float[][] lows = new float[chunks][];
        run(chunks, c -> {
            int count = 0;
            FloatHeap heap = wantFloor ? new FloatHeap(k) : null;
            for (int p = Math.min(n, c * step), end = Math.min(n, (c + 1) * step); p < end; p++) {
                int from = rowStart[p];
                int to = rowStart[p + 1];
                if (from == to || (eligible != null && !eligible.test(p))) {
                    continue;
                }
                ok[p] = true;
                count++;
                if (heap != null) {
                    float lo = Float.NEGATIVE_INFINITY;
                    for (int i = from; i < to; i++) {
                        int r = rowList[i];
                        lo = Math.max(lo, est[r] - quantized.bound(r, queryNorm));
                    }
                    heap.offer(lo);
                }
            }
            counts[c] = count;
            lows[c] = heap == null ? new float[0] : heap.values();
        });
        int eligibleCount = Arrays.stream(counts).sum();
        float floor = threshold;
        if (wantFloor && k < eligibleCount) {
            FloatHeap merged = new FloatHeap(k);
            for (float[] part : lows) {
                for (float v : part) {
                    merged.offer(v);
                }
            }
            if (merged.size() == k) {
                floor = Math.max(floor, merged.min());
            }
        }
        float cut = floor;
        // re-score in product order, so that equal scores keep the smaller product first
        Candidates[] parts = new Candidates[chunks];
        run(chunks, c -> {
            Candidates part = new Candidates();
            float[] scratch = new float[dim];
            for (int p = Math.min(n, c * step), end = Math.min(n, (c + 1) * step); p < end; p++) {
                if (!ok[p]) {
                    continue;
                }
                float best = Float.NEGATIVE_INFINITY;
                int bestRow = -1;
                for (int i = rowStart[p]; i < rowStart[p + 1]; i++) {
                    int r = rowList[i];
                    if (!(est[r] + quantized.bound(r, queryNorm) >= cut)) {
                        continue; // cannot reach the cut
                    }
                    float score = floats.dot(query, r, scratch);
                    if (bestRow < 0 || score > best || (score == best && r < bestRow)) {
                        best = score;
                        bestRow = r;
                    }
                }
                if (bestRow >= 0 && best >= threshold) {
                    part.add(p, bestRow, best);
                }
            }
            parts[c] = part;
        });
        Candidates all = Candidates.concat(parts);
        int[] order = TopK.select(all.scores, Math.min(k, all.size));
        int[] ps = new int[order.length];
        int[] rows = new int[order.length];
        float[] scores = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            ps[i] = all.products[order[i]];
            rows[i] = all.rows[order[i]];
            scores[i] = all.scores[order[i]];
        }
        return new ScoredProducts(ps, rows, scores, order.length, eligibleCount);
    }

    /**
     * What {@link #bounded} answers, from the float32 score of every row: for an index that keeps no int8
     * copy ({@link ScanSettings#int8Copy}).
     */
    private ScoredProducts byFloats(float[] query, int k, float threshold, IntPredicate eligible) {
        int n = products.length;
        boolean[] ok = new boolean[n];
        int count = 0;
        for (int p = 0; p < n; p++) {
            ok[p] = productRows[p].length > 0 && (eligible == null || eligible.test(p));
            if (ok[p]) {
                count++;
            }
        }
        float[] best = new float[n];
        int[] bestRow = new int[n];
        bestPerProduct(exactScores(query), rowProducts, ok, best, bestRow);
        int above = 0;
        for (int p = 0; p < n; p++) {
            if (best[p] >= threshold) {
                above++;
            } else {
                best[p] = Float.NEGATIVE_INFINITY; // TopK never takes it
            }
        }
        int[] order = TopK.select(best, Math.min(k, above));
        int[] rows = new int[order.length];
        float[] scores = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            rows[i] = bestRow[order[i]];
            scores[i] = best[order[i]];
        }
        return new ScoredProducts(order, rows, scores, order.length, count);
    }

    /** Runs {@code work} for chunks 0 … {@code chunks − 1}, on several threads when there are several. */
    private static void run(int chunks, java.util.function.IntConsumer work) {
        if (chunks == 1) {
            work.accept(0);
        } else {
            IntStream.range(0, chunks).parallel().forEach(work);
        }
    }

    /** The k largest floats offered, kept as a min-heap. */
    private static final class FloatHeap {
        private final int capacity;
        private float[] h;
        private int size;

        FloatHeap(int k) {
            capacity = k;
            h = new float[Math.min(k, 1024)];
        }

        void offer(float v) {
            if (size < capacity) {
                if (size == h.length) {
                    h = Arrays.copyOf(h, (int) Math.min(capacity, 2L * h.length));
                }
                int at = size++;
                while (at > 0) {
                    int parent = (at - 1) >>> 1;
                    if (h[parent] <= v) {
                        break;
                    }
                    h[at] = h[parent];
                    at = parent;
                }
                h[at] = v;
            } else if (v > h[0]) {
                int at = 0;
                while (true) {
                    int child = 2 * at + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && h[child + 1] < h[child]) {
                        child++;
                    }
                    if (h[child] >= v) {
                        break;
                    }
                    h[at] = h[child];
                    at = child;
                }
                h[at] = v;
            }
        }

        int size() {
            return size;
        }

        /** The smallest of the kept values: the k-th largest offered, once k were. */
        float min() {
            return h[0];
        }

        float[] values() {
            return Arrays.copyOf(h, size);
        }
    }

    /** Re-scored products of one range, in product order. */
    private static final class Candidates {
        int[] products = new int[16];
        int[] rows = new int[16];
        float[] scores = new float[16];
        int size;

        void add(int p, int row, float score) {
            if (size == products.length) {
                products = Arrays.copyOf(products, size * 2);
                rows = Arrays.copyOf(rows, size * 2);
                scores = Arrays.copyOf(scores, size * 2);
            }
            products[size] = p;
            rows[size] = row;
            scores[size] = score;
            size++;
        }

        static Candidates concat(Candidates[] parts) {
            if (parts.length == 1) {
                Candidates c = parts[0];
                c.scores = Arrays.copyOf(c.scores, c.size);
                return c;
            }
            Candidates out = new Candidates();
            int total = 0;
            for (Candidates c : parts) {
                total += c.size;
            }
            out.products = new int[total];
            out.rows = new int[total];
            out.scores = new float[total];
            for (Candidates c : parts) {
                System.arraycopy(c.products, 0, out.products, out.size, c.size);
                System.arraycopy(c.rows, 0, out.rows, out.size, c.size);
                System.arraycopy(c.scores, 0, out.scores, out.size, c.size);
                out.size += c.size;
            }
            return out;
        }
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

    /** Whether {@link #sameItems} are there without working them out (from the start file, or worked out already). */
    boolean hasSameItems() {
        return sameItems != null;
    }

    /** Which products of different shops are the same item; worked out on first use, then kept. */
    SameItems sameItems() {
        SameItems s = sameItems;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            s = sameItems;
            if (s != null) {
                return s;
            }
            s = remote != null ? SameItems.ofGroups(remote.groups())
                    : SameItems.find(dim, floats, products, productRows, rowProducts);
            sameItems = s;
        }
        // outside the lock, so queries waiting for the groups need not wait for the file as well
        if (startStamp != null && remote == null) {
            writeStartFile(s); // so the next start need not work them out again
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

    /**
     * The product's embedded photos in shop order, each with its unit vector (the first is the one
     * {@link #productVector} gives); empty when the product is unknown or has none.
     */
    public List<PhotoVector> photos(String productId) {
        Integer i = find(productId);
        if (i == null) {
            return List.of();
        }
        List<PhotoVector> out = new ArrayList<>(productRows[i].length);
        for (int r : productRows[i]) {
            out.add(new PhotoVector(imageIds.get(r), rowVector(r)));
        }
        return out;
    }

    /**
     * The smallest product id in the product's group of offers of one item across shops ({@link SameItems}),
     * its own id when it is alone; empty when the product is unknown.
     */
    public Optional<String> groupIdOf(String productId) {
        Integer i = find(productId);
        if (i == null) {
            return Optional.empty();
        }
        SameItems same = sameItems();
        String least = productId;
        for (int q : same.members(same.groupOf(i))) {
            String id = products[q].id();
            if (id.compareTo(least) < 0) {
                least = id;
            }
        }
        return Optional.of(least);
    }

    /** The image id of the product's first embedded photo (shop order), or empty when it has none. */
    public Optional<String> imageOf(String productId) {
        Integer i = find(productId);
        return i == null || productRows[i].length == 0 ? Optional.empty() : Optional.of(imageIds.get(productRows[i][0]));
    }
}
