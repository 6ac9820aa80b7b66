package dev.lookalike.search;

import dev.lookalike.catalog.Product;

/**
 * One result: a product, the id of its photo that matched best, the cosine score, and — for cheaper
 * lookalikes — how much less it costs than the product asked about (null otherwise).
 */
public record Match(Product product, String imageId, float score, Double saving) {}
