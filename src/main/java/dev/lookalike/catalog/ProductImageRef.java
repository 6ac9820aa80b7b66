package dev.lookalike.catalog;

/** Which product shows which image, with the product's price for filtering. */
public record ProductImageRef(String productId, String imageId, int position) {}
