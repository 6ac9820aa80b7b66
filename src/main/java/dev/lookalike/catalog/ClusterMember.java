package dev.lookalike.catalog;

/**
 * A product in a cluster, with its place on the map.
 *
 * @param distance    1 − cosine between the product's vector and the cluster's centroid
 * @param incremental whether it was placed after the full run, by the nearest stored centroid
 */
public record ClusterMember(String productId, long clusterId, double distance, double x, double y,
                            boolean incremental) {}
