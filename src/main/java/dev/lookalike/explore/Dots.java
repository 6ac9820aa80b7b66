package dev.lookalike.explore;

import dev.lookalike.search.Scan;

import java.util.stream.IntStream;

/**
 * The hot loop of clustering: for each row of a matrix of unit vectors, the centroid with the highest dot
 * product, through search's dot product ({@link Scan#dot}: SIMD when the JVM has the Vector API module);
 * large matrices are split over the cores.
 */
final class Dots {

    /** Below this many multiply-adds one thread is faster than several. */
    private static final long PARALLEL_THRESHOLD = 1L << 22;

    private Dots() {}

    /**
     * For rows {@code from..to} of {@code data}: {@code nearest[r]} is the centroid with the highest dot
     * product (the lowest index wins a tie) and {@code best[r]} that dot product.
     */
    static void nearest(float[] data, int dim, int from, int to, float[] centroids, int k, int[] nearest,
                        float[] best) {
        long work = (long) (to - from) * k * dim;
        if (work < PARALLEL_THRESHOLD) {
            nearestSerial(data, dim, from, to, centroids, k, nearest, best);
            return;
        }
        int chunks = Runtime.getRuntime().availableProcessors() * 4;
        int step = (to - from + chunks - 1) / chunks;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int a = Math.min(to, from + c * step);
            int b = Math.min(to, from + (c + 1) * step);
            nearestSerial(data, dim, a, b, centroids, k, nearest, best);
        });
    }

    private static void nearestSerial(float[] data, int dim, int from, int to, float[] centroids, int k,
                                      int[] nearest, float[] best) {
        for (int r = from; r < to; r++) {
            int base = r * dim;
            float top = Float.NEGATIVE_INFINITY;
            int at = 0;
            for (int c = 0; c < k; c++) {
                float s = dot(data, base, centroids, c * dim, dim);
                if (s > top) {
                    top = s;
                    at = c;
                }
            }
            nearest[r] = at;
            best[r] = top;
        }
    }

    /** The dot product of {@code a[ai..ai+dim)} and {@code b[bi..bi+dim)}: search's own kernel. */
    static float dot(float[] a, int ai, float[] b, int bi, int dim) {
        return Scan.dot(a, ai, b, bi, dim);
    }
}
