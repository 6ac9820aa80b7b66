package dev.lookalike.explore;

import java.util.Random;

/**
 * The 2D map: each vector projected on the first two principal components of the vectors (PCA), found by
 * subspace iteration (power iteration on two vectors at once, re-orthonormalised each step) on a sample,
 * without forming the covariance matrix. PCA is linear and deterministic: distances along the map keep
 * the catalogue's broad layout, and a product added later lands where the same formula puts it, which
 * t-SNE or UMAP would not promise (they also cost far more at a million products). Coordinates are scaled
 * so the farthest product is at distance 1 on either axis: the map spans [−1, 1] on its longer side, the
 * aspect ratio kept. Each axis's sign is fixed (its largest component positive) so reruns agree.
 */
public final class Projection {

    /** Rows the components are estimated from. */
    public static final int SAMPLE = 20_000;
    private static final int ITERATIONS = 60;

    /**
     * @param mean  the mean vector subtracted first
     * @param axes  two unit vectors, row-major (2·dim)
     * @param scale what the centred dot products are multiplied by
     */
    public record Axes(int dim, float[] mean, float[] axes, float scale) {

        /** The map position of one vector. */
        public float[] project(float[] v) {
            double x = 0;
            double y = 0;
            for (int i = 0; i < dim; i++) {
                double c = v[i] - mean[i];
                x += c * axes[i];
                y += c * axes[dim + i];
            }
            return new float[] {(float) (x * scale), (float) (y * scale)};
        }
    }

    private Projection() {}

    /** The axes for {@code data} (row-major, {@code dim} wide), scaled to its rows. */
    public static Axes fit(float[] data, int dim, long seed) {
        int n = dim == 0 ? 0 : data.length / dim;
        Random rnd = new Random(seed);
        int[] rows = KMeans.sample(n, Math.min(n, SAMPLE), rnd);
        double[] mean = new double[dim];
        for (int r : rows) {
            for (int i = 0; i < dim; i++) {
                mean[i] += data[r * dim + i];
            }
        }
        for (int i = 0; i < dim; i++) {
            mean[i] /= Math.max(1, rows.length);
        }
        double[][] basis = new double[2][dim];
        for (double[] b : basis) {
            for (int i = 0; i < dim; i++) {
                b[i] = rnd.nextGaussian();
            }
        }
        orthonormalise(basis);
        double[] centred = new double[dim];
        for (int it = 0; it < ITERATIONS; it++) {
            double[][] next = new double[2][dim];
            for (int r : rows) {
                double p0 = 0;
                double p1 = 0;
                for (int i = 0; i < dim; i++) {
                    centred[i] = data[r * dim + i] - mean[i];
                    p0 += centred[i] * basis[0][i];
                    p1 += centred[i] * basis[1][i];
                }
                for (int i = 0; i < dim; i++) {
                    next[0][i] += p0 * centred[i];
                    next[1][i] += p1 * centred[i];
                }
            }
            basis = next;
            orthonormalise(basis);
        }
        float[] axes = new float[2 * dim];
        for (int a = 0; a < 2; a++) {
            int biggest = 0;
            for (int i = 1; i < dim; i++) {
                if (Math.abs(basis[a][i]) > Math.abs(basis[a][biggest])) {
                    biggest = i;
                }
            }
            double sign = basis[a][biggest] < 0 ? -1 : 1;
            for (int i = 0; i < dim; i++) {
                axes[a * dim + i] = (float) (sign * basis[a][i]);
            }
        }
        float[] meanF = new float[dim];
        for (int i = 0; i < dim; i++) {
            meanF[i] = (float) mean[i];
        }
        Axes unscaled = new Axes(dim, meanF, axes, 1f);
        double far = 0;
        float[] v = new float[dim];
        for (int r = 0; r < n; r++) {
            System.arraycopy(data, r * dim, v, 0, dim);
            float[] p = unscaled.project(v);
            far = Math.max(far, Math.max(Math.abs(p[0]), Math.abs(p[1])));
        }
        return new Axes(dim, meanF, axes, far > 0 ? (float) (1 / far) : 1f);
    }

    /** Gram–Schmidt on two vectors; a vector that vanishes is replaced by a unit axis orthogonal enough. */
    private static void orthonormalise(double[][] b) {
        normalise(b[0], 0);
        double d = 0;
        for (int i = 0; i < b[0].length; i++) {
            d += b[0][i] * b[1][i];
        }
        for (int i = 0; i < b[1].length; i++) {
            b[1][i] -= d * b[0][i];
        }
        normalise(b[1], 1);
    }

    private static void normalise(double[] v, int fallback) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        if (s <= 1e-30) {
            java.util.Arrays.fill(v, 0);
            v[Math.min(fallback, v.length - 1)] = 1;
            return;
        }
        double inv = 1 / Math.sqrt(s);
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
