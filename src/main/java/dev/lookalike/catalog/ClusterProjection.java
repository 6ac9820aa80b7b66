package dev.lookalike.catalog;

/**
 * How a full {@code lookalike cluster} run put its products on the map, kept so that products embedded
 * later are placed by the same formula: x = scale · ((v − mean) · axisX), y = scale · ((v − mean) · axisY).
 *
 * @param products the products the full run clustered
 */
public record ClusterProjection(int collectionId, float[] mean, float[] axisX, float[] axisY, double scale,
                                int products, long created) {}
