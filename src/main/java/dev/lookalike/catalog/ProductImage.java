package dev.lookalike.catalog;

/**
 * One photo URL of a product. {@code imageId} is null and {@code error} says why when the photo
 * could not be fetched or stored.
 */
public record ProductImage(String productId, String url, String imageId, String error, int position) {}
