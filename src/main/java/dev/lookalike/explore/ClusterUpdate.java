package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ClusterMember;
import dev.lookalike.catalog.ClusterProjection;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.StyleCluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps a clustered collection's styles up to date between full runs ({@code embed} calls it at its end,
 * {@code lookalike cluster --incremental} on demand): a product with a vector but no cluster, or whose vector
 * changed since its row was written, joins the cluster with the nearest stored centroid and is put on the map
 * by the full run's stored projection; a product that lost its photos (or was marked removed) leaves its
 * cluster; sizes are recounted. Centroids, labels and the projection stay as the full run made them, so the
 * more products are placed this way, the less the styles describe the catalogue: past {@link #STALE_SHARE}
 * of the clustered products the summary says the styles are stale.
 */
public final class ClusterUpdate {

    /** The share of incrementally placed products above which a full run is due. */
    public static final double STALE_SHARE = 0.2;

    /**
     * How far a product's recomputed map position may be from its stored one before its vector counts as
     * changed. The position is a fingerprint of the vector rather than a stamp column: the stored projection
     * and {@link ProductVectors} reproduce the stored x, y bit for bit for an unchanged vector (float32
     * arithmetic in the same order), so the tolerance only absorbs rounding, while a new or re-embedded photo
     * changes the mean vector and moves it on the map by far more than 1e-5 of the map's half-width. A change
     * so small that neither coordinate moved by that much would leave the product where it is on the map and,
     * almost always, in the same cluster: missing it costs nothing visible. And the full run's rows need no
     * extra column kept in step with the vectors.
     */
    static final double MOVED = 1e-5;

    /**
     * @param placed      products given a cluster by this update (new, or with a changed vector)
     * @param left        products that lost their cluster (no embedded photo any more, or marked removed)
     * @param clustered   the collection's clustered products after the update
     * @param incremental of those, the ones placed by an incremental update since the last full run
     * @param projected   false when the collection was clustered before the projection was stored (V006):
     *                    nothing could be placed and only a full run helps
     */
    public record Summary(String collection, int placed, int left, int clustered, int incremental,
                          boolean projected) {

        /** incremental / clustered, 0 when nothing is clustered. */
        public double incrementalShare() {
            return clustered == 0 ? 0 : (double) incremental / clustered;
        }

        /** Whether a full {@code lookalike cluster} run is due. */
        public boolean stale() {
            return !projected || incrementalShare() > STALE_SHARE;
        }
    }

    private ClusterUpdate() {}

    /**
     * Updates the collection's styles.
     *
     * @return empty when the collection was never clustered (there are no styles to keep up to date)
     * @throws ClusterException when the vectors no longer have the length the styles were made with
     */
    public static Optional<Summary> run(CatalogDb db, Collection collection) {
        List<StyleCluster> clusters = db.clusters().clusters(collection.id());
        if (clusters.isEmpty()) {
            return Optional.empty();
        }
        List<ClusterMember> rows = db.clusters().placements(collection.id());
        Optional<ClusterProjection> stored = db.clusters().projection(collection.id());
        if (stored.isEmpty()) {
            int incremental = (int) rows.stream().filter(ClusterMember::incremental).count();
            return Optional.of(new Summary(collection.name(), 0, 0, rows.size(), incremental, false));
        }
        ClusterProjection projection = stored.get();
        ProductVectors vectors = ProductVectors.load(db, collection);
        int dim = projection.mean().length;
        if (vectors.size() > 0 && vectors.dim() != dim) {
            throw new ClusterException("collection " + collection.name() + " now holds vectors of length "
                    + vectors.dim() + " but its styles were made from length " + dim + ": run lookalike cluster");
        }
        Projection.Axes axes = axes(projection);
        int k = clusters.size();
        float[] centroids = new float[k * dim];
        for (int c = 0; c < k; c++) {
            System.arraycopy(clusters.get(c).centroid(), 0, centroids, c * dim, dim);
        }

        Map<String, ClusterMember> byProduct = new HashMap<>();
        for (ClusterMember m : rows) {
            byProduct.put(m.productId(), m);
        }
        List<ClusterMember> placed = new ArrayList<>();
        Set<String> live = new HashSet<>();
        int incremental = 0;
        int[] nearest = new int[1];
        float[] cosine = new float[1];
        for (int i = 0; i < vectors.size(); i++) {
            String id = vectors.ids()[i];
            live.add(id);
            float[] v = vectors.row(i);
            float[] p = axes.project(v);
            ClusterMember old = byProduct.get(id);
            if (old != null && Math.abs(old.x() - p[0]) <= MOVED && Math.abs(old.y() - p[1]) <= MOVED) {
                if (old.incremental()) {
                    incremental++;
                }
                continue;
            }
            Dots.nearest(v, dim, 0, 1, centroids, k, nearest, cosine);
            placed.add(new ClusterMember(id, clusters.get(nearest[0]).id(), Math.max(0, 1 - cosine[0]), p[0], p[1],
                    true));
        }
        List<String> leaving = new ArrayList<>();
        for (ClusterMember m : rows) {
            if (!live.contains(m.productId())) {
                leaving.add(m.productId());
            }
        }
        if (!placed.isEmpty() || !leaving.isEmpty()) {
            db.clusters().update(collection.id(), placed, leaving);
        }
        return Optional.of(new Summary(collection.name(), placed.size(), leaving.size(), vectors.size(),
                incremental + placed.size(), true));
    }

    /** The full run's projection, as {@link Projection#fit} made it. */
    static Projection.Axes axes(ClusterProjection p) {
        int dim = p.mean().length;
        float[] axes = new float[2 * dim];
        System.arraycopy(p.axisX(), 0, axes, 0, dim);
        System.arraycopy(p.axisY(), 0, axes, dim, dim);
        return new Projection.Axes(dim, p.mean(), axes, (float) p.scale());
    }
}
