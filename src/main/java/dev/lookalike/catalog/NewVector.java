package dev.lookalike.catalog;

/**
 * A vector to store for one image: {@code contentHash} is MD5 of the image bytes (LLM's convention),
 * {@code metadata} a JSON object or null.
 */
public record NewVector(String imageId, float[] vector, byte[] contentHash, String metadata) {}
