package dev.lookalike.catalog;

/**
 * One cluster of a collection's products ("browse by style").
 *
 * @param centroid its unit vector
 * @param x        the centroid's place on the map
 */
public record StyleCluster(long id, int collectionId, int k, String label, int size, float[] centroid, double x,
                           double y, long seed, long created) {}
