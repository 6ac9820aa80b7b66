package dev.lookalike.search;

import java.util.stream.IntStream;

/**
 * Scores a query against every row of a row-major matrix of unit vectors: the hot loop of search.
 * Uses SIMD ({@link VectorKernel}) when the JVM has the Vector API module, plain Java otherwise, and
 * splits large matrices over the cores.
 */
public final class Scan {

    /** Whether this JVM was started with {@code --add-modules jdk.incubator.vector}. */
    static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("lookalike.scalar-scan");

    /** Below this many floats one thread scans faster than several. */
    private static final int PARALLEL_THRESHOLD = 1 << 21;

    private final int dim;
    private final float[] matrix;
    private final int rows;

    Scan(int dim, float[] matrix) {
        this.dim = dim;
        this.matrix = matrix;
        this.rows = dim == 0 ? 0 : matrix.length / dim;
    }

    /** The dot product of {@code query} with every row, in row order. */
    float[] scores(float[] query) {
        float[] out = new float[rows];
        if ((long) rows * dim >= PARALLEL_THRESHOLD) {
            int chunks = Runtime.getRuntime().availableProcessors() * 4;
            int step = (rows + chunks - 1) / chunks;
            IntStream.range(0, chunks).parallel()
                    .forEach(c -> score(query, out, Math.min(rows, c * step), Math.min(rows, (c + 1) * step)));
        } else {
            score(query, out, 0, rows);
        }
        return out;
    }

    /**
     * Scores several queries on the calling thread alone (for background work that should leave the
     * other cores to requests): {@code out[j][r]} equals {@code scores(queries[j])[r]} exactly.
     */
    void scoresSerial(float[][] queries, float[][] out) {
        if (SIMD && queries.length == 4) {
            VectorKernel.score4(queries, matrix, dim, out, 0, rows);
            return;
        }
        for (int j = 0; j < queries.length; j++) {
            score(queries[j], out[j], 0, rows);
        }
    }

    private void score(float[] q, float[] out, int from, int to) {
        if (SIMD) {
            VectorKernel.score(q, matrix, dim, out, from, to);
        } else {
            scalar(q, out, from, to);
        }
    }

    private void scalar(float[] q, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            out[r] = scalarDot(q, 0, matrix, r * dim, dim);
        }
    }

    /**
     * The dot product of {@code q} with the {@code dim} floats of {@code m} from {@code base}, summed exactly
     * as {@link #scores} sums each row, so a row re-scored alone gets the scan's score bit for bit.
     */
    static float dot(float[] q, float[] m, int base, int dim) {
        return dot(q, 0, m, base, dim);
    }

    /**
     * The dot product of {@code a[ai..ai+dim)} and {@code b[bi..bi+dim)}, with SIMD when the JVM has the
     * Vector API module: the kernel search scans with, for other features' loops over unit vectors.
     */
    public static float dot(float[] a, int ai, float[] b, int bi, int dim) {
        return SIMD ? VectorKernel.dot(a, ai, b, bi, dim) : scalarDot(a, ai, b, bi, dim);
    }

    private static float scalarDot(float[] a, int ai, float[] b, int bi, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < d; i += 4) {
            s0 += a[ai + i] * b[bi + i];
            s1 += a[ai + i + 1] * b[bi + i + 1];
            s2 += a[ai + i + 2] * b[bi + i + 2];
            s3 += a[ai + i + 3] * b[bi + i + 3];
        }
        for (; i < d; i++) {
            s0 += a[ai + i] * b[bi + i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
