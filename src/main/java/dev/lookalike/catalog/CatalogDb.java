package dev.lookalike.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The SQLite catalogue: one file holding products, photos and vectors. Opening a file applies the
 * numbered migrations under {@code db/} that it lacks, each in its own transaction. All methods are
 * thread-safe: they share one connection and take turns on it.
 */
public final class CatalogDb implements AutoCloseable {

    /** Append-only: a released migration is never edited, a new one is added at the end. */
    static final List<String> MIGRATIONS = List.of("V001__catalogue.sql", "V002__llm_embeddings.sql",
            "V003__crawl.sql", "V004__words.sql", "V005__clusters.sql", "V006__cluster_projection.sql",
            "V007__solr_pushed.sql", "V008__change_tokens.sql");

    private final Path file;
    private final Connection conn;
    private final boolean readOnly;
    private final ProductWords words;
    private final ClusterStore clusters;
    private final SolrPushedStore solrPushed;

    private CatalogDb(Path file, Connection conn, boolean readOnly) {
        this.file = file;
        this.conn = conn;
        this.readOnly = readOnly;
        this.words = new ProductWords(this);
        this.clusters = new ClusterStore(this);
        this.solrPushed = new SolrPushedStore(this);
    }

    /**
     * Opens (creating it and its folder if needed) the catalogue at {@code file} for reading and writing.
     *
     * @throws CatalogException when the file is not a SQLite database, cannot be created, or is newer
     *     than this version of Lookalike
     */
    public static CatalogDb open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new CatalogException("cannot create the folder for catalogue " + file + ": " + e.getMessage(), e);
        }
        Connection conn = connect("jdbc:sqlite:" + file.toAbsolutePath(), file);
        CatalogDb db = new CatalogDb(file, conn, false);
        try {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = NORMAL");
                st.execute("PRAGMA foreign_keys = ON");
                // an INSERT OR REPLACE that replaces a product then fires the delete trigger that keeps
                // the words index in step (without it SQLite deletes the old row silently)
                st.execute("PRAGMA recursive_triggers = ON");
            }
            db.migrate();
            return db;
        } catch (SQLException e) {
            db.close();
            throw new CatalogException(describe(file, e), e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Opens an existing catalogue without ever writing to it, so it may lie on a read-only
     * filesystem (the baked catalogue of a deployed image). Its schema must be current.
     *
     * @throws CatalogException when the file is missing, not a catalogue, or needs migrating
     */
    public static CatalogDb openReadOnly(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogException("catalogue " + file + " does not exist");
        }
        // immutable=1: SQLite neither locks nor looks for a WAL, which a read-only disk could not hold.
        Connection conn = connect("jdbc:sqlite:file:" + file.toAbsolutePath() + "?immutable=1", file);
        CatalogDb db = new CatalogDb(file, conn, true);
        try {
            int version = db.schemaVersion();
            if (version < MIGRATIONS.size()) {
                db.close();
                throw new CatalogException("catalogue " + file + " has schema version " + version + " but "
                        + MIGRATIONS.size() + " is needed; open it once for writing to migrate it");
            }
            return db;
        } catch (SQLException e) {
            db.close();
            throw new CatalogException(describe(file, e), e);
        }
    }

    /**
     * Opens an existing catalogue for commands that only read it: read-only (as {@link #openReadOnly}) when
     * {@code readOnly} says so or when the file or its folder is not writable, for reading and writing otherwise
     * (so that a catalogue another process is writing is read consistently, through its WAL).
     *
     * @throws CatalogException when the file is missing, not a catalogue, or cannot be opened (the message says why)
     */
    public static CatalogDb openForReading(Path file, boolean readOnly) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogException("catalogue " + file + " does not exist");
        }
        Path folder = file.toAbsolutePath().getParent();
        boolean writable = Files.isWritable(file) && (folder == null || Files.isWritable(folder));
        return readOnly || !writable ? openReadOnly(file) : open(file);
    }

    /** Why a file SQLite cannot open cannot be opened, when its folder is the reason; else null. */
    private static String whyCannotOpen(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null) {
            return null;
        }
        if (!Files.isDirectory(folder)) {
            return "folder " + folder + " does not exist";
        }
        if (Files.isWritable(folder)) {
            return null;
        }
        if (isWal(file)) {
            return "it is in WAL mode and its folder " + folder + " is not writable, so SQLite cannot create its "
                    + "-wal and -shm files beside it: bake it into a single file (lookalike bake --catalog " + file
                    + " --out FILE) or open it read-only (LOOKALIKE_READ_ONLY=true)";
        }
        return "its folder " + folder + " is not writable";
    }

    /** Whether the file's header says WAL mode (bytes 18 and 19 are 2). */
    private static boolean isWal(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] header = in.readNBytes(20);
            return header.length == 20 && header[18] == 2 && header[19] == 2;
        } catch (IOException e) {
            return false;
        }
    }

    private static Connection connect(String url, Path file) {
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new CatalogException(describe(file, e), e);
        }
    }

    private static String describe(Path file, SQLException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("no such table") && msg.contains(ProductWords.TABLE)) {
            return "catalogue " + file + " has lost its words index (" + ProductWords.TABLE + "): run lookalike "
                    + "reindex --catalog " + file;
        }
        if (msg.contains("NOTADB") || msg.contains("not a database")) {
            return "catalogue " + file + " is not a SQLite database";
        }
        if (msg.contains("READONLY") || msg.contains("CANTOPEN")) {
            String why = whyCannotOpen(file);
            if (why != null) {
                return "cannot open catalogue " + file + ": " + why;
            }
            return msg.contains("READONLY") ? "catalogue " + file + " is read-only" : "cannot open catalogue " + file;
        }
        if (msg.contains("FULL")) {
            return "the disk holding catalogue " + file + " is full";
        }
        return "catalogue " + file + ": " + msg;
    }

    public Path file() {
        return file;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** The words (full-text) index over the products' text. */
    public ProductWords words() {
        return words;
    }

    /** The clusters and map of browse by style. */
    public ClusterStore clusters() {
        return clusters;
    }

    /** What {@code lookalike solr push} has sent to each Solr collection. */
    public SolrPushedStore solrPushed() {
        return solrPushed;
    }

    /** The shared connection, for {@link CrawlStore}: use it only while holding this object's lock. */
    Connection connection() {
        return conn;
    }

    /** The number of migrations applied to this file. */
    public synchronized int schemaVersion() throws SQLException {
        try (Statement st = conn.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='lookalike_migrations'")) {
                rs.next();
                if (rs.getInt(1) == 0) {
                    return 0;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM lookalike_migrations")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private synchronized void migrate() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS lookalike_migrations ("
                    + "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        }
        int current = schemaVersion();
        if (current > MIGRATIONS.size()) {
            throw new CatalogException("catalogue " + file + " has schema version " + current
                    + ", newer than this Lookalike knows (" + MIGRATIONS.size() + "); upgrade Lookalike");
        }
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            String name = MIGRATIONS.get(v - 1);
            String sql = readResource("/db/" + name);
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                for (String statement : splitStatements(sql)) {
                    st.execute(statement);
                }
                try (PreparedStatement ps = conn.prepareStatement(
                        "INSERT INTO lookalike_migrations(version, name, applied_at) VALUES (?, ?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, name);
                    ps.setLong(3, now());
                    ps.executeUpdate();
                }
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw new CatalogException("migration " + name + " failed on " + file + ": " + e.getMessage(), e);
            } finally {
                conn.setAutoCommit(true);
            }
        }
    }

    static String readResource(String path) {
        try (InputStream in = CatalogDb.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    private static final Pattern TRIGGER = Pattern.compile("(?is)CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b.*");
    private static final Pattern TRIGGER_END = Pattern.compile("(?is).*\\bEND\\s*;");

    /**
     * Splits a migration into statements: at semicolons that end a line, dropping comment lines. A
     * {@code CREATE TRIGGER} runs on to the line that ends with {@code END;}, past the semicolons of its body.
     */
    static List<String> splitStatements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            int comment = line.indexOf(" -- ");
            current.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
            String statement = current.toString().strip();
            if (statement.endsWith(";")
                    && (!TRIGGER.matcher(statement).matches() || TRIGGER_END.matcher(statement).matches())) {
                out.add(statement);
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    // ---------------------------------------------------------------- products

    /**
     * Inserts the product or updates it in place (same id), recording a price change in
     * {@code price_history}; a product marked removed comes back.
     *
     * @return true when something changed
     */
    public synchronized boolean upsertProduct(Product p) {
        long now = now();
        return inTransaction(() -> {
            Optional<Product> old = product(p.id());
            if (old.isEmpty()) {
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO products(id, url, name, price, "
                        + "currency, brand, shop, description, category, first_seen, last_seen) "
                        + "VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
                    bindProduct(ps, p);
                    ps.setLong(10, now);
                    ps.setLong(11, now);
                    ps.executeUpdate();
                }
                recordPrice(p, now);
                return true;
            }
            boolean priceChanged = !java.util.Objects.equals(old.get().price(), p.price())
                    || !java.util.Objects.equals(old.get().currency(), p.currency());
            boolean changed = priceChanged || !old.get().equals(p);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE products SET url=?, name=?, price=?, "
                    + "currency=?, brand=?, shop=?, description=?, category=?, last_seen=?, removed_at=NULL "
                    + "WHERE id=?")) {
                ps.setString(1, p.url());
                ps.setString(2, p.name());
                setDouble(ps, 3, p.price());
                ps.setString(4, p.currency());
                ps.setString(5, p.brand());
                ps.setString(6, p.shop());
                ps.setString(7, p.description());
                ps.setString(8, p.category());
                ps.setLong(9, now);
                ps.setString(10, p.id());
                ps.executeUpdate();
            }
            if (priceChanged) {
                recordPrice(p, now);
            }
            return changed;
        });
    }

    private void recordPrice(Product p, long now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO price_history(product_id, price, currency, seen) VALUES (?,?,?,?)")) {
            ps.setString(1, p.id());
            setDouble(ps, 2, p.price());
            ps.setString(3, p.currency());
            ps.setLong(4, now);
            ps.executeUpdate();
        }
    }

    private static void bindProduct(PreparedStatement ps, Product p) throws SQLException {
        ps.setString(1, p.id());
        ps.setString(2, p.url());
        ps.setString(3, p.name());
        setDouble(ps, 4, p.price());
        ps.setString(5, p.currency());
        ps.setString(6, p.brand());
        ps.setString(7, p.shop());
        ps.setString(8, p.description());
        ps.setString(9, p.category());
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setDouble(index, value);
        }
    }

    private static final String PRODUCT_COLUMNS =
            "id, url, name, price, currency, brand, shop, description, category";

    private static Product readProduct(ResultSet rs) throws SQLException {
        double price = rs.getDouble(4);
        Double boxed = rs.wasNull() ? null : price;
        return new Product(rs.getString(1), rs.getString(2), rs.getString(3), boxed, rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    /** The product with this id, or empty when there is none (removed products included). */
    public synchronized Optional<Product> product(String id) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT " + PRODUCT_COLUMNS + " FROM products WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(readProduct(rs)) : Optional.<Product>empty();
                }
            }
        });
    }

    /**
     * Every product that is not marked removed, ordered by id. Equal currencies, brands, shops and categories
     * are one string each (a shop has a few of them over many products: a server holding a million products
     * keeps one copy).
     */
    public synchronized List<Product> products() {
        return query(() -> {
            List<Product> out = new ArrayList<>();
            Map<String, String> shared = new HashMap<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + PRODUCT_COLUMNS
                         + " FROM products WHERE removed_at IS NULL ORDER BY id")) {
                while (rs.next()) {
                    Product p = readProduct(rs);
                    out.add(new Product(p.id(), p.url(), p.name(), p.price(), share(shared, p.currency()),
                            share(shared, p.brand()), share(shared, p.shop()), p.description(),
                            share(shared, p.category())));
                }
            }
            return out;
        });
    }

    private static String share(Map<String, String> shared, String s) {
        return s == null ? null : shared.computeIfAbsent(s, k -> k);
    }

    /** Marks the products of {@code shop} not seen since {@code seenBefore} (unix seconds) as removed. */
    public synchronized int markRemovedNotSeenSince(String shop, long seenBefore) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE products SET removed_at = ? "
                    + "WHERE shop = ? AND removed_at IS NULL AND last_seen < ?")) {
                ps.setLong(1, now());
                ps.setString(2, shop);
                ps.setLong(3, seenBefore);
                return ps.executeUpdate();
            }
        });
    }

    // ---------------------------------------------------------------- images

    /**
     * Stores one photo once: a second call with the same bytes changes nothing.
     *
     * @param thumbnail a small JPEG for the gallery, or null
     * @return the image id (SHA-256 of the bytes)
     */
    public synchronized String putImage(byte[] bytes, Integer width, Integer height, String format,
                                        String error, byte[] thumbnail) {
        String id = ImageInfo.idOf(bytes);
        inTransaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO images"
                    + "(id, width, height, format, size, error, added) VALUES (?,?,?,?,?,?,?)")) {
                ps.setString(1, id);
                setInt(ps, 2, width);
                setInt(ps, 3, height);
                ps.setString(4, format);
                ps.setLong(5, bytes.length);
                ps.setString(6, error);
                ps.setLong(7, now());
                if (ps.executeUpdate() == 0) {
                    return null;
                }
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO image_data(image_id, original, thumbnail) VALUES (?,?,?)")) {
                ps.setString(1, id);
                ps.setBytes(2, bytes);
                ps.setBytes(3, thumbnail);
                ps.executeUpdate();
            }
            return null;
        });
        return id;
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    /** The metadata of one image, or empty when the catalogue has no such image. */
    public synchronized Optional<ImageInfo> image(String id) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id, width, height, format, size, error FROM images WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ImageInfo>empty();
                    }
                    return Optional.of(new ImageInfo(rs.getString(1), (Integer) rs.getObject(2),
                            (Integer) rs.getObject(3), rs.getString(4), rs.getLong(5), rs.getString(6)));
                }
            }
        });
    }

    /** The original bytes of an image, or empty when the catalogue has none. */
    public synchronized Optional<byte[]> imageBytes(String id) {
        return blob("SELECT original FROM image_data WHERE image_id = ?", id);
    }

    /** The gallery thumbnail of an image, or empty when none was stored. */
    public synchronized Optional<byte[]> thumbnail(String id) {
        return blob("SELECT thumbnail FROM image_data WHERE image_id = ?", id);
    }

    private Optional<byte[]> blob(String sql, String id) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    /** Records why an image's bytes cannot be used; it is skipped from then on. */
    public synchronized void markImageError(String id, String error) {
        query(() -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE images SET error = ? WHERE id = ?")) {
                ps.setString(1, error);
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Links a photo URL to a product (replacing the earlier link of the same URL). */
    public synchronized void linkImage(ProductImage link) {
        query(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO product_images"
                    + "(product_id, url, image_id, error, position) VALUES (?,?,?,?,?) "
                    + "ON CONFLICT(product_id, url) DO UPDATE SET image_id=excluded.image_id, "
                    + "error=excluded.error, position=excluded.position")) {
                ps.setString(1, link.productId());
                ps.setString(2, link.url());
                ps.setString(3, link.imageId());
                ps.setString(4, link.error());
                ps.setInt(5, link.position());
                return ps.executeUpdate();
            }
        });
    }

    /** The photos of one product in shop order. */
    public synchronized List<ProductImage> productImages(String productId) {
        return query(() -> {
            List<ProductImage> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT product_id, url, image_id, error, position "
                    + "FROM product_images WHERE product_id = ? ORDER BY position, url")) {
                ps.setString(1, productId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ProductImage(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getInt(5)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Why a product's photos cannot be used, one {@code "URL: reason"} each: the photo could not be
     * fetched, or its bytes do not decode. Empty when every photo is fine (or the product has none).
     */
    public synchronized List<String> photoErrors(String productId) {
        List<String> errors = new ArrayList<>();
        for (ProductImage link : productImages(productId)) {
            String error = link.error();
            if (error == null && link.imageId() != null) {
                error = image(link.imageId()).map(ImageInfo::error).orElse(null);
            }
            if (error != null) {
                errors.add(link.url() + ": " + error);
            }
        }
        return errors;
    }

    /** Every (product, image) pair of products not marked removed whose photo was stored. */
    public synchronized List<ProductImageRef> productImageRefs() {
        return query(() -> {
            List<ProductImageRef> out = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pi.product_id, pi.image_id, pi.position "
                         + "FROM product_images pi JOIN products p ON p.id = pi.product_id "
                         + "WHERE pi.image_id IS NOT NULL AND p.removed_at IS NULL "
                         + "ORDER BY pi.product_id, pi.position")) {
                while (rs.next()) {
                    out.add(new ProductImageRef(rs.getString(1), rs.getString(2), rs.getInt(3)));
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- collections and vectors

    /** The collection named {@code name}, created for {@code model} when missing. */
    public synchronized Collection collection(String name, String model) {
        return findCollection(name).orElseGet(() -> query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO collections(name, model) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, model);
                ps.executeUpdate();
            }
            return findCollection(name).orElseThrow();
        }));
    }

    /** The collection named {@code name}, or empty when none exists. */
    public synchronized Optional<Collection> findCollection(String name) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id, name, model FROM collections WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Collection(rs.getInt(1), rs.getString(2), rs.getString(3)))
                            : Optional.<Collection>empty();
                }
            }
        });
    }

    public synchronized List<Collection> collections() {
        return query(() -> {
            List<Collection> out = new ArrayList<>();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, name, model FROM collections ORDER BY id")) {
                while (rs.next()) {
                    out.add(new Collection(rs.getInt(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        });
    }

    /** How many distinct images the catalogue holds. */
    public synchronized int countImages() {
        return query(() -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM images")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** How many decodable images have no vector in the collection yet. */
    public synchronized int countPending(int collectionId) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM images i "
                    + "WHERE i.error IS NULL AND NOT EXISTS (SELECT 1 FROM embeddings e "
                    + "WHERE e.collection_id = ? AND e.id = i.id)")) {
                ps.setInt(1, collectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * The next images after {@code afterId} (in id order) that have no vector in the collection and no
     * recorded error: keyset paging, so a run moves forward even past images it could not embed.
     */
    public synchronized List<PendingImage> pendingImages(int collectionId, String afterId, int limit) {
        return query(() -> {
            List<PendingImage> out = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("SELECT i.id, d.original FROM images i "
                    + "JOIN image_data d ON d.image_id = i.id WHERE i.error IS NULL AND i.id > ? "
                    + "AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.collection_id = ? AND e.id = i.id) "
                    + "ORDER BY i.id LIMIT ?")) {
                ps.setString(1, afterId == null ? "" : afterId);
                ps.setInt(2, collectionId);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PendingImage(rs.getString(1), rs.getBytes(2)));
                    }
                }
            }
            return out;
        });
    }

    /** Stores vectors of one batch atomically (all or none), replacing earlier vectors of the same ids. */
    public synchronized void saveVectors(int collectionId, List<NewVector> vectors) {
        inTransaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO embeddings"
                    + "(collection_id, id, embedding, content, content_blob, content_hash, metadata, updated) "
                    + "VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)")) {
                long now = now();
                for (NewVector v : vectors) {
                    ps.setInt(1, collectionId);
                    ps.setString(2, v.imageId());
                    ps.setBytes(3, encode(v.vector()));
                    ps.setBytes(4, v.contentHash());
                    ps.setString(5, v.metadata());
                    ps.setLong(6, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Visits every vector of the collection (in id order) without holding them all as objects. */
    public synchronized void forEachVector(int collectionId, Consumer<StoredVector> visitor) {
        query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id, embedding FROM embeddings WHERE collection_id = ? ORDER BY id")) {
                ps.setInt(1, collectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        visitor.accept(new StoredVector(rs.getString(1), decode(rs.getBytes(2))));
                    }
                }
            }
            return null;
        });
    }

    /**
     * The tables' change tokens, which tell a server whether its derived files (the vector file, the start
     * file) are still current without reading the tables.
     */
    public synchronized ChangeTokens changeTokens() {
        return query(() -> {
            long products = 0;
            long images = 0;
            long embeddings = 0;
            int found = 0;
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT name, token FROM change_tokens")) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case "products" -> products = rs.getLong(2);
                        case "product_images" -> images = rs.getLong(2);
                        case "embeddings" -> embeddings = rs.getLong(2);
                        default -> {
                            continue;
                        }
                    }
                    found++;
                }
            }
            if (found != 3) {
                throw new CatalogException("catalogue " + file + " lacks rows of its change_tokens table; "
                        + "it was edited by hand: restore the rows of V008__change_tokens.sql");
            }
            return new ChangeTokens(products, images, embeddings);
        });
    }

    /**
     * The collection's vector ids in id order (the order of {@link #forEachVector}), read from the primary
     * key's index alone: a million of them in about a second, where {@link #vectorListing} reads every row.
     */
    public synchronized List<String> vectorIds(int collectionId) {
        return query(() -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id FROM embeddings WHERE collection_id = ? ORDER BY id")) {
                ps.setInt(1, collectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * The collection's vector ids and their sizes, read without the vector bytes (SQLite's {@code length()}
     * of a blob reads the record header only, though the rows' pages are read all the same).
     */
    public synchronized VectorListing vectorListing(int collectionId) {
        return query(() -> {
            List<String> ids = new ArrayList<>();
            int min = Integer.MAX_VALUE;
            int max = 0;
            try (PreparedStatement ps = conn.prepareStatement("SELECT id, length(embedding) "
                    + "FROM embeddings WHERE collection_id = ? ORDER BY id")) {
                ps.setInt(1, collectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        int bytes = rs.getInt(2);
                        min = Math.min(min, bytes);
                        max = Math.max(max, bytes);
                    }
                }
            }
            return new VectorListing(List.copyOf(ids), ids.isEmpty() ? 0 : min, max);
        });
    }

    /** The vector of one image in the collection, or empty when it has none. */
    public synchronized Optional<float[]> vector(int collectionId, String imageId) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT embedding FROM embeddings WHERE collection_id = ? AND id = ?")) {
                ps.setInt(1, collectionId);
                ps.setString(2, imageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(decode(rs.getBytes(1))) : Optional.<float[]>empty();
                }
            }
        });
    }

    public synchronized int countVectors(int collectionId) {
        return query(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT count(*) FROM embeddings WHERE collection_id = ?")) {
                ps.setInt(1, collectionId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * A number that changes whenever another connection (another process's {@code embed}) commits to
     * the file, so a server can reload its vectors without polling the tables.
     */
    public synchronized long dataVersion() {
        return query(() -> {
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA data_version")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Writes a compact, self-contained copy of the catalogue to {@code out} (no WAL, no free pages,
     * rollback journal mode) — the file to bake into a read-only deployment.
     *
     * @throws CatalogException when {@code out} exists or cannot be written
     */
    public synchronized void bakeTo(Path out) {
        if (Files.exists(out)) {
            throw new CatalogException(out + " exists already; bake writes a new file");
        }
        Path folder = out.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new CatalogException("cannot write " + out + ": folder " + folder + " does not exist");
        }
        if (folder != null && !Files.isWritable(folder)) {
            throw new CatalogException("cannot write " + out + ": folder " + folder + " is not writable");
        }
        query(() -> {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            return null;
        });
        try (PreparedStatement ps = conn.prepareStatement("VACUUM INTO ?")) {
            ps.setString(1, out.toAbsolutePath().toString());
            ps.execute();
        } catch (SQLException e) {
            // the source was read fine (just checkpointed): what failed is writing the new file
            throw new CatalogException("cannot write " + out + ": " + e.getMessage(), e);
        }
        try (Connection baked = DriverManager.getConnection("jdbc:sqlite:" + out.toAbsolutePath());
             Statement st = baked.createStatement()) {
            // a WAL-mode file would need -wal/-shm files beside it, which a read-only disk cannot hold
            st.execute("PRAGMA journal_mode = DELETE");
        } catch (SQLException e) {
            throw new CatalogException(describe(out, e), e);
        }
    }

    /** Little-endian float32, the layout of LLM's {@code embedding} column. */
    public static byte[] encode(float[] vector) {
        ByteBuffer buf = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(vector);
        return buf.array();
    }

    public static float[] decode(byte[] blob) {
        float[] out = new float[blob.length / 4];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** MD5 of the content, as LLM stores in {@code content_hash}. */
    public static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Work on the shared connection; also for {@link ProductWords}, under this object's lock. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    <T> T query(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new CatalogException(describe(file, e), e);
        }
    }

    <T> T inTransaction(SqlWork<T> work) {
        try {
            boolean outer = conn.getAutoCommit();
            if (!outer) {
                return work.run();
            }
            conn.setAutoCommit(false);
            try {
                T result = work.run();
                conn.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new CatalogException(describe(file, e), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // nothing to lose: every write has committed or rolled back by now
        }
    }
}
