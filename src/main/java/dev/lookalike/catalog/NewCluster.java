package dev.lookalike.catalog;

import java.util.List;

/** A cluster to store, with its members; ids are given by the catalogue. */
public record NewCluster(String label, float[] centroid, double x, double y, List<Member> members) {

    /** A product of the cluster and its place on the map. */
    public record Member(String productId, double distance, double x, double y) {}
}
