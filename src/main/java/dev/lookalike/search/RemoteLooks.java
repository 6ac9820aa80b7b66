package dev.lookalike.search;

import java.util.Optional;

/**
 * The look scores of a {@link VectorIndex#remote remote index}: an engine elsewhere (a SolrCloud
 * collection) that holds the photos' vectors answers what the in-memory scan answers, in the index's own
 * product and row numbers. {@link SearchService} ranks, fuses with the words, filters, counts facets,
 * groups offers and pages the same way whichever answers: one query model, two places for the vectors.
 * Scores are dot products of unit vectors, as the in-memory scan's; each product scores by its best photo.
 */
public interface RemoteLooks {

    /**
     * The {@code k} eligible products with the highest score, best first, as {@link VectorIndex#scoreTop};
     * {@code eligibleCount} counts the eligible products with a photo in the index.
     */
    VectorIndex.ScoredProducts top(float[] query, int k, Eligible eligible);

    /** Every eligible product scoring at least {@code threshold}, best first, as {@link VectorIndex#scoreAtLeast}. */
    VectorIndex.ScoredProducts atLeast(float[] query, float threshold, Eligible eligible);

    /**
     * Each of {@code products}' best photo score and row ({@code best[i]} −∞ and {@code bestRow[i]} −1 when
     * the engine holds none of its photos), as {@link VectorIndex#scoreProducts}.
     */
    void score(float[] query, int[] products, float[] best, int[] bestRow);

    /** The unit vectors of rows, in the order asked. */
    float[][] rowVectors(int[] rows);

    /** Product {@code p}'s vector (its first photo's), empty when the engine does not hold it. */
    Optional<float[]> productVector(int p);

    /**
     * For each product index, a key shared by the products that are one item sold by several shops (the
     * groups {@link SameItems} found when the catalogue was pushed); products the engine does not know
     * have keys of their own.
     */
    String[] groups();
}
