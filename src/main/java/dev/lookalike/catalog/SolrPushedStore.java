package dev.lookalike.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@code lookalike solr push} has sent to each Solr collection ({@code solr_pushed}, migration V007): the
 * content hash of every document Solr acknowledged, by target (normalised Solr URL, a space, the collection).
 * Shares {@link CatalogDb}'s connection and lock.
 */
public final class SolrPushedStore {

    private final CatalogDb db;

    SolrPushedStore(CatalogDb db) {
        this.db = db;
    }

    /** The hash of every document recorded for {@code target}, by document id (empty when none). */
    public Map<String, String> hashes(String target) {
        synchronized (db) {
            return db.query(() -> {
                Map<String, String> out = new HashMap<>();
                try (PreparedStatement ps = db.connection().prepareStatement(
                        "SELECT doc_id, hash FROM solr_pushed WHERE target = ?")) {
                    ps.setString(1, target);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
                return out;
            });
        }
    }

    /**
     * Records one acknowledged batch, all or nothing: {@code sent} (document id → hash) stored or replaced,
     * {@code deleted} document ids forgotten.
     */
    public void record(String target, Map<String, String> sent, Iterable<String> deleted) {
        synchronized (db) {
            db.inTransaction(() -> {
                var conn = db.connection();
                try (PreparedStatement put = conn.prepareStatement(
                        "INSERT OR REPLACE INTO solr_pushed(target, doc_id, hash) VALUES (?,?,?)");
                     PreparedStatement del = conn.prepareStatement(
                             "DELETE FROM solr_pushed WHERE target = ? AND doc_id = ?")) {
                    for (Map.Entry<String, String> e : sent.entrySet()) {
                        put.setString(1, target);
                        put.setString(2, e.getKey());
                        put.setString(3, e.getValue());
                        put.addBatch();
                    }
                    put.executeBatch();
                    for (String id : deleted) {
                        del.setString(1, target);
                        del.setString(2, id);
                        del.addBatch();
                    }
                    del.executeBatch();
                }
                return null;
            });
        }
    }

    /** Forgets everything recorded for {@code target}, so that the next push sends every document. */
    public int forget(String target) {
        synchronized (db) {
            return db.query(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement("DELETE FROM solr_pushed WHERE target = ?")) {
                    ps.setString(1, target);
                    return ps.executeUpdate();
                }
            });
        }
    }
}
