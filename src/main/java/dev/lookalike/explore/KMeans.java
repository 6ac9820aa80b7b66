package dev.lookalike.explore;

import java.util.Arrays;
import java.util.Random;

/**
 * Spherical k-means on unit vectors: a row belongs to the centroid it has the highest cosine with, and a
 * centroid is the normalised mean of its rows (Dhillon and Modha, "Concept decompositions for large sparse
 * text data using clustering", 2001). Seeded by k-means++ (Arthur and Vassilvitskii, 2007: each next seed
 * drawn with probability proportional to its squared distance to the nearest seed, which for unit vectors
 * is 2 − 2·cos), in its greedy form: 2 + ln k candidates drawn per step, the one that lowers the summed
 * squared distance most kept, as scikit-learn's {@code _kmeans_plusplus} does. Up to {@link #MINI_BATCH_ABOVE} rows it runs Lloyd's iterations to convergence, the best
 * of {@code restarts} seedings; above, mini-batch k-means (Sculley, "Web-scale k-means clustering", 2010:
 * per-centroid learning rate 1/count) seeded on a sample, then one full assignment pass. Everything
 * follows from {@code seed}: the same rows and seed give the same clusters.
 */
public final class KMeans {

    /** Above this many rows clustering switches to mini-batch k-means. */
    public static final int MINI_BATCH_ABOVE = 50_000;

    private static final int MAX_ITERATIONS = 100;
    private static final int BATCH = 4096;
    private static final int MAX_BATCHES = 300;

    /**
     * @param k          clusters (≤ rows)
     * @param centroids  k unit vectors, row-major
     * @param assignment the cluster of each row
     * @param cosine     each row's cosine with its centroid
     * @param inertia    the sum over rows of 1 − cosine (lower is tighter)
     * @param miniBatch  whether mini-batch k-means was used
     * @param iterations Lloyd iterations, or mini-batches, of the kept run
     */
    public record Result(int k, int dim, float[] centroids, int[] assignment, float[] cosine, double inertia,
                         boolean miniBatch, int iterations) {

        /** How many rows each cluster holds. */
        public int[] sizes() {
            int[] s = new int[k];
            for (int a : assignment) {
                s[a]++;
            }
            return s;
        }

        public float[] centroid(int c) {
            return Arrays.copyOfRange(centroids, c * dim, c * dim + dim);
        }
    }

    private KMeans() {}

    /**
     * Clusters {@code n} unit vectors (row-major in {@code data}) into {@code k}.
     *
     * @param restarts how many k-means++ seedings Lloyd's iterations run from (the tightest is kept); mini-batch
     *                 runs once
     * @throws IllegalArgumentException when k is not between 1 and n
     */
    public static Result cluster(float[] data, int dim, int k, long seed, int restarts) {
        int n = dim == 0 ? 0 : data.length / dim;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be between 1 and the number of vectors (" + n + "), got " + k);
        }
        if (n > MINI_BATCH_ABOVE) {
            return miniBatch(data, dim, n, k, seed);
        }
        Result best = null;
        for (int run = 0; run < Math.max(1, restarts); run++) {
            Random rnd = new Random(seed * 1_000_003L + run);
            Result r = lloyd(data, dim, n, k, seedCentroids(data, dim, n, k, rnd, null), rnd);
            if (best == null || r.inertia() < best.inertia()) {
                best = r;
            }
        }
        return best;
    }

    /**
     * k-means++ seeding over {@code rows} (all rows when null).
     */
    static float[] seedCentroids(float[] data, int dim, int n, int k, Random rnd, int[] rows) {
        int m = rows == null ? n : rows.length;
        float[] centroids = new float[k * dim];
        double[] d2 = new double[m];
        int first = rnd.nextInt(m);
        System.arraycopy(data, row(rows, first) * dim, centroids, 0, dim);
        for (int i = 0; i < m; i++) {
            d2[i] = squared(Dots.dot(data, row(rows, i) * dim, centroids, 0, dim));
        }
        int trials = 2 + (int) Math.log(k);
        double[] candidate = new double[m];
        double[] bestD2 = new double[m];
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int chosen = -1;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                int pick = draw(d2, total, m, rnd);
                int pb = row(rows, pick) * dim;
                double potential = 0;
                for (int i = 0; i < m; i++) {
                    candidate[i] = Math.min(d2[i], squared(Dots.dot(data, row(rows, i) * dim, data, pb, dim)));
                    potential += candidate[i];
                }
                if (potential < bestPotential) {
                    bestPotential = potential;
                    chosen = pick;
                    System.arraycopy(candidate, 0, bestD2, 0, m);
                }
            }
            System.arraycopy(data, row(rows, chosen) * dim, centroids, c * dim, dim);
            System.arraycopy(bestD2, 0, d2, 0, m);
        }
        return centroids;
    }

    /** A row drawn with probability proportional to its {@code d2}; any row when every d2 is 0. */
    private static int draw(double[] d2, double total, int m, Random rnd) {
        if (total <= 0) {
            return rnd.nextInt(m);
        }
        double target = rnd.nextDouble() * total;
        for (int i = 0; i < m; i++) {
            target -= d2[i];
            if (target < 0) {
                return i;
            }
        }
        return m - 1;
    }

    private static int row(int[] rows, int i) {
        return rows == null ? i : rows[i];
    }

    /** Squared Euclidean distance between unit vectors with this cosine, never below 0. */
    private static double squared(float cosine) {
        return Math.max(0, 2 - 2 * (double) cosine);
    }

    private static Result lloyd(float[] data, int dim, int n, int k, float[] centroids, Random rnd) {
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        int[] next = new int[n];
        float[] cosine = new float[n];
        int iterations = 0;
        while (iterations < MAX_ITERATIONS) {
            iterations++;
            Dots.nearest(data, dim, 0, n, centroids, k, next, cosine);
            boolean changed = !Arrays.equals(next, assignment);
            System.arraycopy(next, 0, assignment, 0, n);
            if (!changed) {
                break;
            }
            recompute(data, dim, n, k, assignment, cosine, centroids);
        }
        return new Result(k, dim, centroids, assignment, cosine, inertia(cosine), false, iterations);
    }

    /**
     * Each centroid becomes the normalised mean of its rows; an empty cluster takes over the row farthest
     * from its own centroid (so k clusters stay k), which the next assignment then settles.
     */
    private static void recompute(float[] data, int dim, int n, int k, int[] assignment, float[] cosine,
                                  float[] centroids) {
        double[] sums = new double[k * dim];
        int[] counts = new int[k];
        for (int r = 0; r < n; r++) {
            int c = assignment[r];
            counts[c]++;
            int base = r * dim;
            int cb = c * dim;
            for (int i = 0; i < dim; i++) {
                sums[cb + i] += data[base + i];
            }
        }
        boolean[] taken = new boolean[n];
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                int far = -1;
                for (int r = 0; r < n; r++) {
                    if (!taken[r] && counts[assignment[r]] > 1 && (far < 0 || cosine[r] < cosine[far])) {
                        far = r;
                    }
                }
                if (far >= 0) {
                    taken[far] = true;
                    counts[assignment[far]]--;
                    for (int i = 0; i < dim; i++) {
                        sums[assignment[far] * dim + i] -= data[far * dim + i];
                        sums[c * dim + i] = data[far * dim + i];
                    }
                    assignment[far] = c;
                    counts[c] = 1;
                }
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                normaliseInto(sums, c * dim, dim, centroids);
            }
        }
    }

    private static void normaliseInto(double[] sums, int from, int dim, float[] out) {
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            norm += sums[from + i] * sums[from + i];
        }
        if (norm <= 0) {
            return; // rows that cancel out exactly: keep the old centroid
        }
        double inv = 1 / Math.sqrt(norm);
        for (int i = 0; i < dim; i++) {
            out[from + i] = (float) (sums[from + i] * inv);
        }
    }

    private static double inertia(float[] cosine) {
        double s = 0;
        for (float c : cosine) {
            s += 1 - c;
        }
        return s;
    }

    private static Result miniBatch(float[] data, int dim, int n, int k, long seed) {
        Random rnd = new Random(seed * 1_000_003L);
        int sampleSize = Math.min(n, Math.max(20 * k, 20_000));
        int[] sample = sample(n, sampleSize, rnd);
        float[] centroids = seedCentroids(data, dim, n, k, rnd, sample);
        double[] work = new double[k * dim];
        for (int i = 0; i < work.length; i++) {
            work[i] = centroids[i];
        }
        long[] counts = new long[k];
        int[] batch = new int[BATCH];
        float[] batchData = new float[BATCH * dim];
        int[] nearest = new int[BATCH];
        float[] best = new float[BATCH];
        int batches = 0;
        double averageShift = Double.NaN;
        int steps = (int) Math.min(MAX_BATCHES, Math.max(50, 2L * n / BATCH));
        float[] before = new float[k * dim];
        while (batches < steps) {
            batches++;
            for (int i = 0; i < BATCH; i++) {
                batch[i] = rnd.nextInt(n);
                System.arraycopy(data, batch[i] * dim, batchData, i * dim, dim);
            }
            Dots.nearest(batchData, dim, 0, BATCH, centroids, k, nearest, best);
            System.arraycopy(centroids, 0, before, 0, before.length);
            for (int i = 0; i < BATCH; i++) {
                int c = nearest[i];
                counts[c]++;
                double eta = 1.0 / counts[c];
                int cb = c * dim;
                int xb = i * dim;
                for (int j = 0; j < dim; j++) {
                    work[cb + j] = (1 - eta) * work[cb + j] + eta * batchData[xb + j];
                }
            }
            double shift = 0;
            for (int c = 0; c < k; c++) {
                normaliseInto(work, c * dim, dim, centroids);
                double d = 0;
                for (int j = 0; j < dim; j++) {
                    double diff = centroids[c * dim + j] - before[c * dim + j];
                    d += diff * diff;
                }
                shift += d;
            }
            averageShift = Double.isNaN(averageShift) ? shift : 0.9 * averageShift + 0.1 * shift;
            if (batches >= 20 && averageShift < 1e-7 * k) {
                break; // the centroids have settled
            }
        }
        int[] assignment = new int[n];
        float[] cosine = new float[n];
        Dots.nearest(data, dim, 0, n, centroids, k, assignment, cosine);
        return new Result(k, dim, centroids, assignment, cosine, inertia(cosine), true, batches);
    }

    /** {@code m} distinct row indexes out of {@code n}, in increasing order (a partial Fisher–Yates shuffle). */
    static int[] sample(int n, int m, Random rnd) {
        if (m >= n) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] out = Arrays.copyOf(idx, m);
        Arrays.sort(out);
        return out;
    }
}
