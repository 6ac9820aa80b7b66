package dev.lookalike.explore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Picks k for {@code --k auto}: clusters a sample of the rows for every k within the bounds and keeps the k
 * whose clustering has the highest mean silhouette on that sample (Rousseeuw, "Silhouettes: a graphical aid
 * to the interpretation and validation of cluster analysis", 1987), with 1 − cosine as the distance. A tie
 * goes to the smaller k.
 */
public final class ChooseK {

    /** Rows the silhouettes are measured on: their distance matrix is this number squared. */
    public static final int SAMPLE = 2000;
    /** The most clusters auto tries. */
    public static final int MAX_K = 30;

    /**
     * @param k      the chosen k
     * @param scores the mean silhouette of each k tried, in order
     */
    public record Choice(int k, Map<Integer, Double> scores) {}

    private ChooseK() {}

    /** The bounds auto searches for {@code n} rows: 2 to min(30, n / 3), or 1 when there are fewer than 6 rows. */
    public static int[] bounds(int n) {
        int max = Math.min(MAX_K, n / 3);
        return max < 2 ? new int[] {1, 1} : new int[] {2, max};
    }

    public static Choice choose(float[] data, int dim, long seed) {
        int n = dim == 0 ? 0 : data.length / dim;
        int[] range = bounds(n);
        Map<Integer, Double> scores = new LinkedHashMap<>();
        if (range[1] < 2) {
            scores.put(1, 0.0);
            return new Choice(1, scores);
        }
        int[] rows = KMeans.sample(n, Math.min(n, SAMPLE), new Random(seed));
        int m = rows.length;
        float[] sample = new float[m * dim];
        for (int i = 0; i < m; i++) {
            System.arraycopy(data, rows[i] * dim, sample, i * dim, dim);
        }
        float[] distance = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                float d = 1 - Dots.dot(sample, i * dim, sample, j * dim, dim);
                distance[i * m + j] = d;
                distance[j * m + i] = d;
            }
        }
        int bestK = range[0];
        double best = Double.NEGATIVE_INFINITY;
        for (int k = range[0]; k <= Math.min(range[1], m); k++) {
            KMeans.Result r = KMeans.cluster(sample, dim, k, seed, 3);
            double s = silhouette(distance, m, r.assignment(), k);
            scores.put(k, s);
            if (s > best + 1e-9) {
                best = s;
                bestK = k;
            }
        }
        return new Choice(bestK, scores);
    }

    /**
     * The mean silhouette of a clustering of {@code m} points given their distance matrix (row-major m×m);
     * a point alone in its cluster scores 0, as Rousseeuw defines.
     */
    static double silhouette(float[] distance, int m, int[] assignment, int k) {
        int[] sizes = new int[k];
        for (int a : assignment) {
            sizes[a]++;
        }
        double total = 0;
        double[] sums = new double[k];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(sums, 0);
            for (int j = 0; j < m; j++) {
                if (j != i) {
                    sums[assignment[j]] += distance[i * m + j];
                }
            }
            int own = assignment[i];
            if (sizes[own] <= 1) {
                continue;
            }
            double a = sums[own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own && sizes[c] > 0) {
                    b = Math.min(b, sums[c] / sizes[c]);
                }
            }
            double top = Math.max(a, b);
            total += top <= 0 || Double.isInfinite(b) ? 0 : (b - a) / top;
        }
        return total / m;
    }
}
