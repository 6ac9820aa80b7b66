package dev.lookalike.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the crawler keeps in the catalogue: its runs, each run's frontier and page states, and the
 * product details a scrape finds beyond {@link Product} (availability, SKU). Shares the catalogue's
 * connection and lock, so its writes interleave safely with {@link CatalogDb}'s.
 */
public final class CrawlStore {

    /** One scrape of one shop; {@code resumed} when it continues a run that was killed. */
    public record Run(long id, String shop, String start, long startedAt, boolean resumed) {}

    /** A URL waiting in the frontier. {@code kind} is {@code page} or {@code sitemap}. */
    public record QueuedPage(String url, String kind, int depth) {}

    /** How fetching a page ended. */
    public enum PageState {
        /** Fetched and used. */
        DONE,
        /** Deliberately not used: robots.txt, noindex, not HTML, off the shop. */
        SKIPPED,
        /** The shop says it no longer exists (404, 410). */
        GONE,
        /** Could not be fetched (server errors, timeouts, too large): the page may still exist. */
        FAILED;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The end of one page: its state, HTTP status (or null), reason (or null) and product (or null). */
    public record PageResult(String url, PageState state, Integer status, String error, String productId) {}

    private final CatalogDb db;

    public CrawlStore(CatalogDb db) {
        this.db = db;
    }

    /**
     * The unfinished run of {@code start} on {@code shop} (a scrape that was killed), or a new run.
     * A new run forgets the frontiers of all but the previous run of the same start, which
     * {@link #markDisappeared} compares against.
     */
    public Run startOrResume(String shop, String start) {
        synchronized (db) {
            return work(() -> {
                Connection c = db.connection();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, started_at FROM crawl_runs "
                        + "WHERE shop = ? AND start = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1")) {
                    ps.setString(1, shop);
                    ps.setString(2, start);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new Run(rs.getLong(1), shop, start, rs.getLong(2), true);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM crawl_pages WHERE run_id IN "
                        + "(SELECT id FROM crawl_runs WHERE shop = ? AND start = ? AND id < "
                        + "(SELECT coalesce(max(id), 0) FROM crawl_runs WHERE shop = ? AND start = ?))")) {
                    ps.setString(1, shop);
                    ps.setString(2, start);
                    ps.setString(3, shop);
                    ps.setString(4, start);
                    ps.executeUpdate();
                }
                long now = CatalogDb.now();
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO crawl_runs(shop, start, started_at) VALUES (?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, shop);
                    ps.setString(2, start);
                    ps.setLong(3, now);
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        return new Run(keys.getLong(1), shop, start, now, false);
                    }
                }
            });
        }
    }

    /** Every URL the run has seen, whatever its state (to de-duplicate links on resume). */
    public List<String> knownUrls(long runId) {
        synchronized (db) {
            return work(() -> {
                List<String> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT url FROM crawl_pages WHERE run_id = ?")) {
                    ps.setLong(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                return out;
            });
        }
    }

    /** The run's URLs still to fetch, shallowest first, then in the order they were found. */
    public List<QueuedPage> queued(long runId) {
        synchronized (db) {
            return work(() -> {
                List<QueuedPage> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT url, kind, depth FROM crawl_pages "
                        + "WHERE run_id = ? AND state = 'queued' ORDER BY depth, rowid")) {
                    ps.setLong(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new QueuedPage(rs.getString(1), rs.getString(2), rs.getInt(3)));
                        }
                    }
                }
                return out;
            });
        }
    }

    /** How many of the run's pages are in each state ({@code queued}, {@code done}, …). */
    public Map<String, Integer> pageCounts(long runId) {
        synchronized (db) {
            return work(() -> {
                Map<String, Integer> out = new LinkedHashMap<>();
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT state, count(*) FROM crawl_pages WHERE run_id = ? GROUP BY state ORDER BY state")) {
                    ps.setLong(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getInt(2));
                        }
                    }
                }
                return out;
            });
        }
    }

    /** How many distinct products the run has recorded so far. */
    public int productsFound(long runId) {
        synchronized (db) {
            return work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT count(DISTINCT product_id) FROM crawl_pages WHERE run_id = ?")) {
                    ps.setLong(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
        }
    }

    /** Adds URLs to the frontier; one already there (in any state) is left as it is. */
    public void enqueue(long runId, Collection<QueuedPage> pages) {
        if (pages.isEmpty()) {
            return;
        }
        synchronized (db) {
            inTransaction(() -> {
                insert(runId, pages);
                return null;
            });
        }
    }

    /**
     * Records how a page ended and the new URLs found on it, in one transaction: a scrape killed at any
     * moment has either both or neither, and the page is fetched again on resume when neither.
     */
    public void complete(long runId, PageResult result, Collection<QueuedPage> found) {
        synchronized (db) {
            inTransaction(() -> {
                insert(runId, found);
                try (PreparedStatement ps = db.connection().prepareStatement("UPDATE crawl_pages SET state = ?, "
                        + "status = ?, error = ?, product_id = ?, fetched_at = ? WHERE run_id = ? AND url = ?")) {
                    ps.setString(1, result.state().column());
                    if (result.status() == null) {
                        ps.setNull(2, Types.INTEGER);
                    } else {
                        ps.setInt(2, result.status());
                    }
                    ps.setString(3, result.error());
                    ps.setString(4, result.productId());
                    ps.setLong(5, CatalogDb.now());
                    ps.setLong(6, runId);
                    ps.setString(7, result.url());
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    private void insert(long runId, Collection<QueuedPage> pages) throws SQLException {
        if (pages.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.connection().prepareStatement("INSERT OR IGNORE INTO crawl_pages"
                + "(run_id, url, kind, depth, state) VALUES (?, ?, ?, ?, 'queued')")) {
            for (QueuedPage p : pages) {
                ps.setLong(1, runId);
                ps.setString(2, p.url());
                ps.setString(3, p.kind());
                ps.setInt(4, p.depth());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Ends a run; the next scrape of the same start begins a new one. */
    public void finish(long runId, String outcome) {
        synchronized (db) {
            work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "UPDATE crawl_runs SET finished_at = ?, outcome = ? WHERE id = ?")) {
                    ps.setLong(1, CatalogDb.now());
                    ps.setString(2, outcome);
                    ps.setLong(3, runId);
                    return ps.executeUpdate();
                }
            });
        }
    }

    /**
     * After a complete run, marks as removed ({@code removed_at}) the products that the previous run of
     * the same start found and this one did not. Products this crawl could not have reached (another
     * start's, imported ones) are left alone, and so is a product whose page merely failed this time
     * (server error, timeout): its page may be back tomorrow.
     *
     * @return how many products were marked
     */
    public int markDisappeared(long runId, String shop) {
        synchronized (db) {
            return work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement("UPDATE products SET removed_at = ? "
                        + "WHERE shop = ? AND removed_at IS NULL "
                        + "AND id IN (SELECT old.product_id FROM crawl_pages old JOIN crawl_runs r ON r.id = old.run_id "
                        + "  JOIN crawl_runs cur ON cur.id = ? "
                        + "  WHERE r.shop = cur.shop AND r.start = cur.start AND r.id < cur.id "
                        + "  AND old.product_id IS NOT NULL) "
                        + "AND id NOT IN (SELECT product_id FROM crawl_pages WHERE run_id = ? AND product_id IS NOT NULL) "
                        + "AND id NOT IN (SELECT old.product_id FROM crawl_pages cur JOIN crawl_pages old "
                        + "  ON old.url = cur.url WHERE cur.run_id = ? AND cur.state = 'failed' "
                        + "  AND old.product_id IS NOT NULL) "
                        + "AND url NOT IN (SELECT url FROM crawl_pages WHERE run_id = ? AND state = 'failed')")) {
                    ps.setLong(1, CatalogDb.now());
                    ps.setString(2, shop);
                    ps.setLong(3, runId);
                    ps.setLong(4, runId);
                    ps.setLong(5, runId);
                    ps.setLong(6, runId);
                    return ps.executeUpdate();
                }
            });
        }
    }

    /** The id of the stored photo last fetched from {@code imageUrl}, or empty when none was stored. */
    public Optional<String> storedImage(String imageUrl) {
        synchronized (db) {
            return work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT image_id FROM product_images "
                        + "WHERE url = ? AND image_id IS NOT NULL LIMIT 1")) {
                    ps.setString(1, imageUrl);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                    }
                }
            });
        }
    }

    /** Sets what a shop says about stock and its own product code; null clears a value. */
    public void setExtras(String productId, String availability, String sku) {
        synchronized (db) {
            work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "UPDATE products SET availability = ?, sku = ? WHERE id = ?")) {
                    ps.setString(1, availability);
                    ps.setString(2, sku);
                    ps.setString(3, productId);
                    return ps.executeUpdate();
                }
            });
        }
    }

    /** Availability and SKU of a product, as {@code [availability, sku]}, or empty when no such product. */
    public Optional<String[]> extras(String productId) {
        synchronized (db) {
            return work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT availability, sku FROM products WHERE id = ?")) {
                    ps.setString(1, productId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)})
                                : Optional.<String[]>empty();
                    }
                }
            });
        }
    }

    /** Drops the product's photo links whose URL the shop no longer shows for it. */
    public int unlinkImagesExcept(String productId, Collection<String> keepUrls) {
        synchronized (db) {
            return work(() -> {
                List<String> stale = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT url FROM product_images WHERE product_id = ?")) {
                    ps.setString(1, productId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (!keepUrls.contains(rs.getString(1))) {
                                stale.add(rs.getString(1));
                            }
                        }
                    }
                }
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "DELETE FROM product_images WHERE product_id = ? AND url = ?")) {
                    for (String url : stale) {
                        ps.setString(1, productId);
                        ps.setString(2, url);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return stale.size();
            });
        }
    }

    /** When the product was marked removed (unix seconds), or empty when it is not removed or unknown. */
    public Optional<Long> removedAt(String productId) {
        synchronized (db) {
            return work(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT removed_at FROM products WHERE id = ? AND removed_at IS NOT NULL")) {
                    ps.setString(1, productId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                    }
                }
            });
        }
    }

    /** The recorded prices of a product, oldest first, as {@code price currency} strings (for tests and reports). */
    public List<String> priceHistory(String productId) {
        synchronized (db) {
            return work(() -> {
                List<String> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT price, currency FROM price_history WHERE product_id = ? ORDER BY seen, rowid")) {
                    ps.setString(1, productId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getObject(1) + " " + rs.getString(2));
                        }
                    }
                }
                return out;
            });
        }
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T work(SqlWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new CatalogException("catalogue " + db.file() + ": " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(SqlWork<T> work) {
        return work(() -> {
            Connection c = db.connection();
            if (!c.getAutoCommit()) {
                return work.run();
            }
            c.setAutoCommit(false);
            try {
                T result = work.run();
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }
}
