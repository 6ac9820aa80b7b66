package dev.lookalike.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The stored clusters and map ({@code clusters}, {@code product_clusters}, migration V005) and the projection
 * that placed the products ({@code cluster_projections}, V006). Shares {@link CatalogDb}'s connection and lock.
 */
public final class ClusterStore {

    private final CatalogDb db;

    ClusterStore(CatalogDb db) {
        this.db = db;
    }

    /**
     * Replaces every cluster of the collection with {@code clusters}, and its stored projection with
     * {@code projection}, all or nothing. Every member is stored as placed by the full run (not incremental).
     *
     * @param projection how the members' x, y were made; its {@code collectionId} and {@code created} are not
     *                   read (the row gets {@code collectionId} and now)
     * @return the stored clusters, in the order given
     */
    public List<StyleCluster> replace(int collectionId, int k, long seed, List<NewCluster> clusters,
                                      ClusterProjection projection) {
        synchronized (db) {
            long now = CatalogDb.now();
            return db.inTransaction(() -> {
                var conn = db.connection();
                try (PreparedStatement ps = conn.prepareStatement("DELETE FROM clusters WHERE collection_id = ?")) {
                    // product_clusters rows go with them (ON DELETE CASCADE)
                    ps.setInt(1, collectionId);
                    ps.executeUpdate();
                }
                List<StyleCluster> out = new ArrayList<>();
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO clusters(collection_id, k, label, size, "
                        + "centroid, x, y, seed, created) VALUES (?,?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS);
                     PreparedStatement member = conn.prepareStatement("INSERT INTO product_clusters(product_id, "
                             + "cluster_id, distance, x, y) VALUES (?,?,?,?,?)")) {
                    for (NewCluster c : clusters) {
                        ps.setInt(1, collectionId);
                        ps.setInt(2, k);
                        ps.setString(3, c.label());
                        ps.setInt(4, c.members().size());
                        ps.setBytes(5, CatalogDb.encode(c.centroid()));
                        ps.setDouble(6, c.x());
                        ps.setDouble(7, c.y());
                        ps.setLong(8, seed);
                        ps.setLong(9, now);
                        ps.executeUpdate();
                        long id;
                        try (ResultSet keys = ps.getGeneratedKeys()) {
                            keys.next();
                            id = keys.getLong(1);
                        }
                        for (NewCluster.Member m : c.members()) {
                            member.setString(1, m.productId());
                            member.setLong(2, id);
                            member.setDouble(3, m.distance());
                            member.setDouble(4, m.x());
                            member.setDouble(5, m.y());
                            member.addBatch();
                        }
                        member.executeBatch();
                        out.add(new StyleCluster(id, collectionId, k, c.label(), c.members().size(), c.centroid(),
                                c.x(), c.y(), seed, now));
                    }
                }
                try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO cluster_projections("
                        + "collection_id, mean, axis_x, axis_y, scale, products, created) VALUES (?,?,?,?,?,?,?)")) {
                    ps.setInt(1, collectionId);
                    ps.setBytes(2, CatalogDb.encode(projection.mean()));
                    ps.setBytes(3, CatalogDb.encode(projection.axisX()));
                    ps.setBytes(4, CatalogDb.encode(projection.axisY()));
                    ps.setDouble(5, projection.scale());
                    ps.setInt(6, projection.products());
                    ps.setLong(7, now);
                    ps.executeUpdate();
                }
                return out;
            });
        }
    }

    /**
     * The projection the collection's last full run stored, or empty when it was never clustered or was
     * clustered before V006 kept projections (then only a new full run can place products).
     */
    public Optional<ClusterProjection> projection(int collectionId) {
        synchronized (db) {
            return db.query(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT mean, axis_x, axis_y, scale, "
                        + "products, created FROM cluster_projections WHERE collection_id = ?")) {
                    ps.setInt(1, collectionId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<ClusterProjection>empty();
                        }
                        return Optional.of(new ClusterProjection(collectionId, CatalogDb.decode(rs.getBytes(1)),
                                CatalogDb.decode(rs.getBytes(2)), CatalogDb.decode(rs.getBytes(3)), rs.getDouble(4),
                                rs.getInt(5), rs.getLong(6)));
                    }
                }
            });
        }
    }

    /**
     * Every product row of the collection's clusters, products marked removed included, in product id order:
     * what an incremental update compares with the current vectors.
     */
    public List<ClusterMember> placements(int collectionId) {
        synchronized (db) {
            return db.query(() -> {
                List<ClusterMember> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT " + MEMBER_COLUMNS
                        + " FROM product_clusters pc JOIN clusters c ON c.id = pc.cluster_id WHERE c.collection_id = ? "
                        + "ORDER BY pc.product_id")) {
                    ps.setInt(1, collectionId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(member(rs));
                        }
                    }
                }
                return out;
            });
        }
    }

    /**
     * An incremental update, all or nothing: the products of {@code leaving} and of {@code placed} lose their
     * rows in the collection's clusters, those of {@code placed} get their new row (marked incremental), and
     * every cluster of the collection gets its size recounted. Centroids, labels and the projection stay.
     *
     * @param placed each with the id of one of the collection's clusters
     */
    public void update(int collectionId, List<ClusterMember> placed, List<String> leaving) {
        synchronized (db) {
            db.inTransaction(() -> {
                var conn = db.connection();
                try (PreparedStatement delete = conn.prepareStatement("DELETE FROM product_clusters "
                        + "WHERE product_id = ? AND cluster_id IN (SELECT id FROM clusters WHERE collection_id = ?)");
                     PreparedStatement insert = conn.prepareStatement("INSERT INTO product_clusters(product_id, "
                             + "cluster_id, distance, x, y, incremental) VALUES (?,?,?,?,?,1)")) {
                    for (String id : leaving) {
                        delete.setString(1, id);
                        delete.setInt(2, collectionId);
                        delete.addBatch();
                    }
                    for (ClusterMember m : placed) {
                        delete.setString(1, m.productId());
                        delete.setInt(2, collectionId);
                        delete.addBatch();
                    }
                    delete.executeBatch();
                    for (ClusterMember m : placed) {
                        insert.setString(1, m.productId());
                        insert.setLong(2, m.clusterId());
                        insert.setDouble(3, m.distance());
                        insert.setDouble(4, m.x());
                        insert.setDouble(5, m.y());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                try (PreparedStatement ps = conn.prepareStatement("UPDATE clusters SET size = (SELECT count(*) FROM "
                        + "product_clusters pc WHERE pc.cluster_id = clusters.id) WHERE collection_id = ?")) {
                    ps.setInt(1, collectionId);
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    private static final String MEMBER_COLUMNS = "pc.product_id, pc.cluster_id, pc.distance, pc.x, pc.y, "
            + "pc.incremental";

    private static ClusterMember member(ResultSet rs) throws SQLException {
        return new ClusterMember(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5),
                rs.getInt(6) != 0);
    }

    private static final String COLUMNS = "id, collection_id, k, label, size, centroid, x, y, seed, created";

    private static StyleCluster read(ResultSet rs) throws SQLException {
        return new StyleCluster(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getInt(5),
                CatalogDb.decode(rs.getBytes(6)), rs.getDouble(7), rs.getDouble(8), rs.getLong(9), rs.getLong(10));
    }

    /** The collection's clusters, largest first (then by id). */
    public List<StyleCluster> clusters(int collectionId) {
        synchronized (db) {
            return db.query(() -> {
                List<StyleCluster> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT " + COLUMNS
                        + " FROM clusters WHERE collection_id = ? ORDER BY size DESC, id")) {
                    ps.setInt(1, collectionId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(read(rs));
                        }
                    }
                }
                return out;
            });
        }
    }

    /** One cluster, or empty when there is none with this id. */
    public Optional<StyleCluster> cluster(long id) {
        synchronized (db) {
            return db.query(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT " + COLUMNS
                        + " FROM clusters WHERE id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(read(rs)) : Optional.<StyleCluster>empty();
                    }
                }
            });
        }
    }

    /** The members of a cluster that are not marked removed, closest to its centroid first. */
    public List<ClusterMember> members(long clusterId, int limit, int offset) {
        synchronized (db) {
            return db.query(() -> {
                List<ClusterMember> out = new ArrayList<>();
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT " + MEMBER_COLUMNS
                        + " FROM product_clusters pc JOIN products p ON p.id = pc.product_id "
                        + "WHERE pc.cluster_id = ? AND p.removed_at IS NULL ORDER BY pc.distance, pc.product_id "
                        + "LIMIT ? OFFSET ?")) {
                    ps.setLong(1, clusterId);
                    ps.setInt(2, limit);
                    ps.setInt(3, offset);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(member(rs));
                        }
                    }
                }
                return out;
            });
        }
    }

    /** Visits every clustered product of the collection that is not marked removed, in product id order. */
    public void forEachMember(int collectionId, Consumer<ClusterMember> visitor) {
        synchronized (db) {
            db.query(() -> {
                try (PreparedStatement ps = db.connection().prepareStatement("SELECT " + MEMBER_COLUMNS
                        + " FROM product_clusters pc JOIN clusters c ON c.id = pc.cluster_id "
                        + "JOIN products p ON p.id = pc.product_id WHERE c.collection_id = ? AND p.removed_at IS NULL "
                        + "ORDER BY pc.product_id")) {
                    ps.setInt(1, collectionId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            visitor.accept(member(rs));
                        }
                    }
                }
                return null;
            });
        }
    }
}
