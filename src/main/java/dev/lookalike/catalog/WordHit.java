package dev.lookalike.catalog;

/**
 * A product the words index found for a query, with its BM25 score (higher is better): the negated
 * {@code bm25()} of SQLite FTS5 under {@link ProductWords}'s column weights. Scores compare within one
 * query only. {@code position} is the product's place in a {@link WordIndex} (its products in catalogue
 * order, {@link WordIndex#productId}), so a caller can map hits to its own indexes without looking ids up;
 * -1 when FTS5 found it.
 */
public record WordHit(String productId, double score, int position) {

    /** A hit from FTS5, which has no position of its own. */
    public WordHit(String productId, double score) {
        this(productId, score, -1);
    }
}
