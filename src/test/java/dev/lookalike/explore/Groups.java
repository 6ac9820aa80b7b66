package dev.lookalike.explore;

import java.util.Random;

/**
 * A generated catalogue with known groups: {@code groups} random unit centres in {@code dim} dimensions,
 * each row a centre plus Gaussian noise of {@code noise} per axis, normalised. With dim 64 and noise 0.08
 * a row's cosine with its own centre is about 0.8 and with another centre about 0, as photos of one style
 * against another.
 */
final class Groups {
    final int dim;
    final float[] data;
    final int[] truth;

    Groups(int n, int groups, int dim, double noise, long seed) {
        this.dim = dim;
        Random rnd = new Random(seed);
        float[][] centres = new float[groups][dim];
        for (float[] c : centres) {
            for (int i = 0; i < dim; i++) {
                c[i] = (float) rnd.nextGaussian();
            }
            dev.lookalike.embed.Vectors.normalize(c);
        }
        data = new float[n * dim];
        truth = new int[n];
        float[] row = new float[dim];
        for (int r = 0; r < n; r++) {
            int g = r % groups;
            truth[r] = g;
            for (int i = 0; i < dim; i++) {
                row[i] = (float) (centres[g][i] + noise * rnd.nextGaussian());
            }
            dev.lookalike.embed.Vectors.normalize(row);
            System.arraycopy(row, 0, data, r * dim, dim);
        }
    }

    /**
     * The adjusted Rand index of two labellings (Hubert and Arabie, "Comparing partitions", 1985): 1 when
     * they agree up to renaming, about 0 for a random labelling.
     */
    static double adjustedRand(int[] a, int[] b) {
        int ka = max(a) + 1;
        int kb = max(b) + 1;
        long[][] table = new long[ka][kb];
        for (int i = 0; i < a.length; i++) {
            table[a[i]][b[i]]++;
        }
        double index = 0;
        long[] rows = new long[ka];
        long[] cols = new long[kb];
        for (int i = 0; i < ka; i++) {
            for (int j = 0; j < kb; j++) {
                index += pairs(table[i][j]);
                rows[i] += table[i][j];
                cols[j] += table[i][j];
            }
        }
        double sumRows = 0;
        for (long r : rows) {
            sumRows += pairs(r);
        }
        double sumCols = 0;
        for (long c : cols) {
            sumCols += pairs(c);
        }
        double expected = sumRows * sumCols / pairs(a.length);
        double max = (sumRows + sumCols) / 2;
        return max == expected ? 1 : (index - expected) / (max - expected);
    }

    private static double pairs(long n) {
        return n * (n - 1) / 2.0;
    }

    private static int max(int[] v) {
        int m = 0;
        for (int x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
