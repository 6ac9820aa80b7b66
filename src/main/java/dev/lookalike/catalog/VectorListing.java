package dev.lookalike.catalog;

import java.util.List;

/**
 * Which vectors a collection holds, without their bytes: the image ids in id order (the order of
 * {@link CatalogDb#forEachVector}), the smallest and largest vector size in bytes (0 when there are
 * none), and a stamp that changes when any vector is added, removed or replaced.
 *
 * @param stamp SHA-256 over each vector's id, update time (seconds), content hash and byte length, in id
 *     order: a vector replaced within the second it was written, by one of the same length for the
 *     same photo content, keeps the stamp (embedding the same photo with the same model gives the same
 *     vector)
 */
public record VectorListing(List<String> imageIds, int minBytes, int maxBytes, byte[] stamp) {}
