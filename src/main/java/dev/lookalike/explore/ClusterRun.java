package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ClusterProjection;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewCluster;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.embed.ClipModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What {@code lookalike cluster} does: reads one vector per product ({@link ProductVectors}), picks k
 * ({@link ChooseK} when auto), clusters ({@link KMeans}), projects every product onto the map
 * ({@link Projection}), names each cluster ({@link StyleLabels}) and replaces the collection's clusters in
 * the catalogue with the projection, all in one transaction. Products embedded later join the nearest
 * style by {@link ClusterUpdate}; run it again when many have.
 */
public final class ClusterRun {

    /** Restarts of Lloyd's iterations (the tightest kept) for catalogues small enough to afford them. */
    static final int RESTARTS = 3;

    /**
     * @param k           the clusters made
     * @param auto        whether k was chosen by silhouette
     * @param silhouettes the mean silhouette of each k tried (auto only)
     * @param clusters    as stored, largest first
     */
    public record Summary(String collection, int products, int k, boolean auto, Map<Integer, Double> silhouettes,
                          boolean miniBatch, int iterations, double inertia, double seconds,
                          List<StyleCluster> clusters) {}

    private ClusterRun() {}

    /**
     * Clusters the collection's products and stores the result.
     *
     * @param k     clusters wanted, or null for auto
     * @param model the text tower that names the clusters: the model whose vectors the collection holds
     * @throws ClusterException when the collection has no product vectors, or k exceeds the products
     */
    public static Summary run(CatalogDb db, Collection collection, Integer k, long seed, ClipModel model) {
        long start = System.nanoTime();
        ProductVectors vectors = ProductVectors.load(db, collection);
        int n = vectors.size();
        if (n == 0) {
            throw new ClusterException("collection " + collection.name() + " has no product with an embedded photo: "
                    + "run lookalike embed first");
        }
        if (k != null && (k < 1 || k > n)) {
            throw new ClusterException("--k must be between 1 and the number of products with vectors (" + n
                    + "), got " + k);
        }
        Map<Integer, Double> silhouettes = Map.of();
        int chosen;
        if (k == null) {
            ChooseK.Choice choice = ChooseK.choose(vectors.matrix(), vectors.dim(), seed);
            chosen = choice.k();
            silhouettes = choice.scores();
        } else {
            chosen = k;
        }
        KMeans.Result result = KMeans.cluster(vectors.matrix(), vectors.dim(), chosen, seed, RESTARTS);
        Projection.Axes axes = Projection.fit(vectors.matrix(), vectors.dim(), seed);
        List<String> labels = StyleLabels.label(model, StyleLabels.candidates(vectors.products()),
                result.centroids(), vectors.dim());

        List<List<NewCluster.Member>> members = new ArrayList<>();
        for (int c = 0; c < chosen; c++) {
            members.add(new ArrayList<>());
        }
        double[] sx = new double[chosen];
        double[] sy = new double[chosen];
        for (int i = 0; i < n; i++) {
            float[] p = axes.project(vectors.row(i));
            int c = result.assignment()[i];
            members.get(c).add(new NewCluster.Member(vectors.ids()[i], Math.max(0, 1 - result.cosine()[i]), p[0], p[1]));
            sx[c] += p[0];
            sy[c] += p[1];
        }
        List<NewCluster> clusters = new ArrayList<>();
        for (int c = 0; c < chosen; c++) {
            int size = Math.max(1, members.get(c).size());
            clusters.add(new NewCluster(labels.get(c), result.centroid(c), sx[c] / size, sy[c] / size, members.get(c)));
        }
        clusters.sort(Comparator.comparingInt((NewCluster c) -> -c.members().size()));
        int dim = vectors.dim();
        ClusterProjection projection = new ClusterProjection(collection.id(), axes.mean(),
                Arrays.copyOfRange(axes.axes(), 0, dim), Arrays.copyOfRange(axes.axes(), dim, 2 * dim), axes.scale(),
                n, 0);
        List<StyleCluster> stored = db.clusters().replace(collection.id(), chosen, seed, clusters, projection);
        return new Summary(collection.name(), n, chosen, k == null, silhouettes, result.miniBatch(),
                result.iterations(), result.inertia(), (System.nanoTime() - start) / 1e9, stored);
    }
}
