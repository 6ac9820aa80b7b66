package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ClusterMember;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.StyleCluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A collection's stored clusters and map, read once into memory for the gallery and the API: the clusters
 * largest first, and for every clustered product its cluster and place, in parallel arrays (50,000
 * products take about 2 MB). Immutable; build a new one when the catalogue changes.
 */
public final class StyleMap {

    /** No clusters (the collection was never clustered, or has no vectors). */
    public static final StyleMap EMPTY = new StyleMap(null, List.of(), new String[0], new float[0], new float[0],
            new int[0], new float[0], 0);

    private final String collection;
    private final List<StyleCluster> clusters;
    private final Map<Long, Integer> clusterIndex = new HashMap<>();
    private final String[] ids;
    private final float[] x;
    private final float[] y;
    private final int[] cluster;
    private final float[] distance;
    private final Map<String, Integer> row = new HashMap<>();
    private final int[][] membersByDistance;
    private final int incremental;

    private StyleMap(String collection, List<StyleCluster> clusters, String[] ids, float[] x, float[] y, int[] cluster,
                     float[] distance, int incremental) {
        this.incremental = incremental;
        this.collection = collection;
        this.clusters = List.copyOf(clusters);
        for (int i = 0; i < clusters.size(); i++) {
            clusterIndex.put(clusters.get(i).id(), i);
        }
        this.ids = ids;
        this.x = x;
        this.y = y;
        this.cluster = cluster;
        this.distance = distance;
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < clusters.size(); i++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < ids.length; i++) {
            row.put(ids[i], i);
            members.get(cluster[i]).add(i);
        }
        membersByDistance = new int[clusters.size()][];
        for (int c = 0; c < clusters.size(); c++) {
            membersByDistance[c] = members.get(c).stream()
                    .sorted(Comparator.comparingDouble((Integer i) -> distance[i]).thenComparing(i -> ids[i]))
                    .mapToInt(Integer::intValue).toArray();
        }
    }

    /** The stored clusters and map of the collection (products marked removed left out). */
    public static StyleMap load(CatalogDb db, Collection c) {
        List<StyleCluster> clusters = db.clusters().clusters(c.id());
        if (clusters.isEmpty()) {
            return new StyleMap(c.name(), List.of(), new String[0], new float[0], new float[0], new int[0], new float[0],
                    0);
        }
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < clusters.size(); i++) {
            index.put(clusters.get(i).id(), i);
        }
        List<ClusterMember> members = new ArrayList<>();
        db.clusters().forEachMember(c.id(), members::add);
        int n = members.size();
        String[] ids = new String[n];
        float[] x = new float[n];
        float[] y = new float[n];
        int[] cl = new int[n];
        float[] d = new float[n];
        int incremental = 0;
        for (int i = 0; i < n; i++) {
            ClusterMember m = members.get(i);
            if (m.incremental()) {
                incremental++;
            }
            ids[i] = m.productId();
            x[i] = (float) m.x();
            y[i] = (float) m.y();
            cl[i] = index.get(m.clusterId());
            d[i] = (float) m.distance();
        }
        return new StyleMap(c.name(), clusters, ids, x, y, cl, d, incremental);
    }

    /** The collection's name, null for {@link #EMPTY}. */
    public String collection() {
        return collection;
    }

    /** The clusters, largest first. */
    public List<StyleCluster> clusters() {
        return clusters;
    }

    public boolean isEmpty() {
        return clusters.isEmpty();
    }

    public Optional<StyleCluster> cluster(long id) {
        Integer i = clusterIndex.get(id);
        return i == null ? Optional.empty() : Optional.of(clusters.get(i));
    }

    /** The cluster the product belongs to, or empty when it was not clustered (new since the last run). */
    public Optional<StyleCluster> clusterOf(String productId) {
        Integer r = row.get(productId);
        return r == null ? Optional.empty() : Optional.of(clusters.get(cluster[r]));
    }

    /** How many products of the cluster are live. */
    public int liveSize(long clusterId) {
        Integer i = clusterIndex.get(clusterId);
        return i == null ? 0 : membersByDistance[i].length;
    }

    /** A product of a cluster and how close it is to the centroid. */
    public record Member(String productId, float distance, float x, float y) {}

    /** A cluster's products, closest to its centroid first; empty for an unknown cluster. */
    public List<Member> members(long clusterId, int limit, int offset) {
        Integer c = clusterIndex.get(clusterId);
        if (c == null) {
            return List.of();
        }
        int[] rows = membersByDistance[c];
        List<Member> out = new ArrayList<>();
        for (int i = offset; i < rows.length && out.size() < limit; i++) {
            int r = rows[i];
            out.add(new Member(ids[r], distance[r], x[r], y[r]));
        }
        return out;
    }

    /**
     * The products within distance {@code r} of the map point (x, y), nearest first (then by id); the
     * member's {@code distance} is its distance on the map.
     */
    public List<Member> near(double px, double py, double r) {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            double d = Math.hypot(x[i] - px, y[i] - py);
            if (d <= r) {
                out.add(new Member(ids[i], (float) d, x[i], y[i]));
            }
        }
        out.sort(Comparator.comparingDouble(Member::distance).thenComparing(Member::productId));
        return out;
    }

    /** Product ids of the map, in the order of {@link #xs()}, {@link #ys()} and {@link #clusterIds()}. */
    public String[] ids() {
        return ids.clone();
    }

    public float[] xs() {
        return x.clone();
    }

    public float[] ys() {
        return y.clone();
    }

    /** Each map product's cluster id. */
    public long[] clusterIds() {
        long[] out = new long[cluster.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = clusters.get(cluster[i]).id();
        }
        return out;
    }

    public int size() {
        return ids.length;
    }

    /** How many of the map's products were placed after the full run, by the nearest stored centroid. */
    public int incremental() {
        return incremental;
    }

    @Override
    public String toString() {
        return "StyleMap[" + collection + ", " + clusters.size() + " clusters, " + ids.length + " products, "
                + Arrays.toString(clusters.stream().map(StyleCluster::label).toArray()) + "]";
    }
}
