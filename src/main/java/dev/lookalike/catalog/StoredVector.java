package dev.lookalike.catalog;

/** A unit-length vector of one image in one collection. */
public record StoredVector(String imageId, float[] vector) {}
