package dev.lookalike.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.explore.StyleMap;
import dev.lookalike.search.VectorIndex;

import java.util.List;

/** The JSON shapes of the style endpoints ({@link StyleApiResource}). */
final class ApiStyles {

    private ApiStyles() {}

    /**
     * One style.
     *
     * @param x      where its label goes on the map (the mean place of its products)
     * @param images up to four photos of the products closest to its centroid
     * @param url    the gallery page of its products
     */
    record Cluster(long id, String label, int size, double x, double y, List<String> images, String url) {

        static Cluster of(StyleCluster c, StyleMap map, VectorIndex index) {
            List<String> images = map.members(c.id(), 4, 0).stream()
                    .map(m -> index.imageOf(m.productId()).orElse(null)).filter(i -> i != null).map(Links::image)
                    .toList();
            return new Cluster(c.id(), c.label(), map.liveSize(c.id()), round(c.x()), round(c.y()), images,
                    "/?cluster=" + c.id());
        }
    }

    /**
     * Every style of the serving model's collection, largest first; {@code unclustered} counts the products
     * with an embedded photo that no style holds (embedded since the last {@code lookalike cluster}),
     * {@code incremental} those that joined the nearest style after it was made (placed by {@code embed} or
     * {@code lookalike cluster --incremental}).
     */
    record Clusters(String collection, int k, List<Cluster> clusters, int unclustered, int incremental,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String message) {}

    /** One style and a page of its products, closest to its centroid first (score: cosine with it). */
    record ClusterPage(Cluster cluster, List<ApiResult> results, int limit, int offset,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String next) {}

    /**
     * The map in parallel arrays: product {@code ids[i]} sits at ({@code x[i]}, {@code y[i]}), within
     * [−1, 1], in cluster {@code cluster[i]}.
     */
    record Map(String collection, int count, List<String> ids, float[] x, float[] y, long[] cluster,
               List<Label> clusters) {}

    /** A style's label and where it goes on the map. */
    record Label(long id, String label, int size, double x, double y) {}

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    static float[] round(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.round(v[i] * 10_000) / 10_000f;
        }
        return out;
    }
}
