package dev.lookalike.catalog;

/** The bytes of an image that a collection has no vector for yet. */
public record PendingImage(String id, byte[] bytes) {}
