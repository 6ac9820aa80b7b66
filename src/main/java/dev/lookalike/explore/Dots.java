package dev.lookalike.explore;

import java.util.stream.IntStream;

/**
 * The hot loop of clustering: for each row of a matrix of unit vectors, the centroid with the highest dot
 * product. SIMD through {@link DotsKernel} when the JVM has the Vector API module (as {@code search/Scan}),
 * plain Java otherwise; large matrices are split over the cores.
 */
final class Dots {

    static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("lookalike.scalar-scan");

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

    /** The dot product of {@code a[ai..ai+dim)} and {@code b[bi..bi+dim)}. */
    static float dot(float[] a, int ai, float[] b, int bi, int dim) {
        if (SIMD) {
            return DotsKernel.dot(a, ai, b, bi, dim);
        }
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            s0 += a[ai + i] * b[bi + i];
            s1 += a[ai + i + 1] * b[bi + i + 1];
            s2 += a[ai + i + 2] * b[bi + i + 2];
            s3 += a[ai + i + 3] * b[bi + i + 3];
        }
        for (; i < dim; i++) {
            s0 += a[ai + i] * b[bi + i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
