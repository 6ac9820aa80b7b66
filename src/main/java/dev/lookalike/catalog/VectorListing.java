package dev.lookalike.catalog;

import java.util.List;

/**
 * Which vectors a collection holds, without their bytes: the image ids in id order (the order of
 * {@link CatalogDb#forEachVector}), and the smallest and largest vector size in bytes (0 when there are
 * none). Whether they changed is told by {@link CatalogDb#changeTokens}.
 */
public record VectorListing(List<String> imageIds, int minBytes, int maxBytes) {}
