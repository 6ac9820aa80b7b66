package dev.lookalike.catalog;

/**
 * A product the words index found for a query, with its BM25 score (higher is better): the negated
 * {@code bm25()} of SQLite FTS5 under {@link ProductWords}'s column weights. Scores compare within one
 * query only.
 */
public record WordHit(String productId, double score) {}
