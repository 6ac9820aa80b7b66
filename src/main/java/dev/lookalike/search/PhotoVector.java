package dev.lookalike.search;

/** One embedded photo of a product: its image id and its unit vector (a copy, the caller's to keep). */
public record PhotoVector(String imageId, float[] vector) {}
