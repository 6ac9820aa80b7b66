package dev.lookalike.search;

import java.util.stream.IntStream;

/**
 * An int8 copy of a matrix of unit vectors, a quarter of its size, with what it takes to bound its
 * error. Row {@code r} is stored as {@code scale[r] · codes[r]} with {@code codes} rounded from
 * {@code v / scale} into [−127, 127] ({@code scale = max|vᵢ| / 127}), and {@code error[r]} is the length of
 * what rounding lost, {@code ‖v − scale·codes‖}. For a query {@code q},
 * {@code |q·v − estimate| ≤ ‖q‖·error[r]} (Cauchy–Schwarz) plus float rounding, which {@link #SLACK}
 * covers; so a row whose estimate plus that bound is below a score cannot reach it.
 */
final class Int8Rows {

    /**
     * What float32 rounding can add to the bound: the estimate and the exact score are each sums of 512
     * products of magnitude ≤ 1 rounded in about 50 steps (≤ 50 · 2⁻²⁴ ≈ 3·10⁻⁶ each); this is thirty
     * times that, and still a hundredth of a typical rounding error bound (~0.01 at 512 dimensions).
     */
    static final float SLACK = 1e-4f;

    /** Below this many codes one thread estimates faster than several. */
    private static final int PARALLEL_THRESHOLD = 1 << 21;

    private final int dim;
    private final int rows;
    private final byte[] codes;
    private final float[] scale;
    private final float[] error;

    Int8Rows(int dim, int rows) {
        this.dim = dim;
        this.rows = rows;
        this.codes = new byte[Math.multiplyExact(dim, rows)];
        this.scale = new float[rows];
        this.error = new float[rows];
    }

    int rows() {
        return rows;
    }

    int dim() {
        return dim;
    }

    /** Row {@code row} as its codes stand for it, {@code scale · codes}, into {@code into}. */
    void decode(int row, float[] into) {
        float s = scale[row];
        int base = row * dim;
        for (int i = 0; i < dim; i++) {
            into[i] = s * codes[base + i];
        }
    }

    /** Quantizes row {@code row} from {@code v} (from {@code offset}, {@code dim} floats). */
    void set(int row, float[] v, int offset) {
        float max = 0;
        for (int i = 0; i < dim; i++) {
            max = Math.max(max, Math.abs(v[offset + i]));
        }
        int base = row * dim;
        if (max == 0 || !Float.isFinite(max)) {
            // a zero row scores 0 against everything; a broken one gets a bound that lets it through
            scale[row] = 0;
            error[row] = max == 0 ? 0 : Float.POSITIVE_INFINITY;
            return;
        }
        float s = max / 127f;
        double lost = 0;
        for (int i = 0; i < dim; i++) {
            int c = Math.max(-127, Math.min(127, Math.round(v[offset + i] / s)));
            codes[base + i] = (byte) c;
            double e = (double) v[offset + i] - (double) s * c;
            lost += e * e;
        }
        scale[row] = s;
        // rounded up, so the float never understates the double
        error[row] = Math.nextUp((float) Math.sqrt(lost));
    }

    /** The bound on {@code |q·v − estimate|} for a query of length {@code queryNorm}. */
    float bound(int row, float queryNorm) {
        return queryNorm * error[row] + SLACK;
    }

    /** Every row's estimated score, in row order. */
    float[] estimates(float[] q) {
        float[] out = new float[rows];
        if ((long) rows * dim >= PARALLEL_THRESHOLD) {
            int chunks = Runtime.getRuntime().availableProcessors() * 4;
            int step = (rows + chunks - 1) / chunks;
            IntStream.range(0, chunks).parallel()
                    .forEach(c -> estimate(q, out, Math.min(rows, c * step), Math.min(rows, (c + 1) * step)));
        } else {
            estimate(q, out, 0, rows);
        }
        return out;
    }

    /** Row {@code row}'s estimated score, as {@link #estimates} gives it. */
    float estimate(float[] q, int row) {
        if (Scan.SIMD) {
            return VectorKernel.estimateRow(q, codes, scale, dim, row);
        }
        return scalarEstimate(q, row);
    }

    private void estimate(float[] q, float[] out, int from, int to) {
        if (Scan.SIMD) {
            VectorKernel.estimate(q, codes, scale, dim, out, from, to);
            return;
        }
        for (int r = from; r < to; r++) {
            out[r] = scalarEstimate(q, r);
        }
    }

    private float scalarEstimate(float[] q, int r) {
        int base = r * dim;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            s0 += q[i] * codes[base + i];
            s1 += q[i + 1] * codes[base + i + 1];
            s2 += q[i + 2] * codes[base + i + 2];
            s3 += q[i + 3] * codes[base + i + 3];
        }
        for (; i < dim; i++) {
            s0 += q[i] * codes[base + i];
        }
        return scale[r] * ((s0 + s1) + (s2 + s3));
    }
}
