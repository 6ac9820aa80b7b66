package dev.lookalike.search;

import dev.lookalike.embed.Vectors;

/**
 * Maximal marginal relevance (Carbonell and Goldstein, SIGIR 1998): re-ranks results so that ten
 * near-identical photos do not fill a page. Each next result is the one maximising
 * {@code λ·relevance − (1 − λ)·(highest cosine with a result already taken)}, relevance being the
 * result's ranking score scaled to [0, 1] over the candidates (min to max), so that a text query's
 * cosines (about 0.3), a product's (about 0.9) and fused or BM25 scores all weigh alike against the
 * photos' cosines with each other.
 */
final class Diversity {

    /** The relevance weight: 0.7 keeps the best results first and pushes back only the near-copies. */
    static final double LAMBDA = 0.7;

    private Diversity() {}

    /**
     * The order in which to show the candidates.
     *
     * @param vectors   each candidate's photo vector (unit length), in relevance order
     * @param relevance each candidate's ranking score, higher better
     * @param take      how many to order (the rest keep their relevance order after them)
     * @return candidate positions, {@code vectors.length} of them
     */
    static int[] order(float[][] vectors, double[] relevance, int take) {
        int n = vectors.length;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double r : relevance) {
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        double span = hi - lo;
        int[] out = new int[n];
        boolean[] used = new boolean[n];
        float[] closest = new float[n];
        java.util.Arrays.fill(closest, Float.NEGATIVE_INFINITY);
        int k = Math.min(take, n);
        for (int step = 0; step < k; step++) {
            int pick = -1;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (used[i]) {
                    continue;
                }
                double rel = span > 0 ? (relevance[i] - lo) / span : 1;
                double redundancy = step == 0 ? 0 : closest[i];
                double value = LAMBDA * rel - (1 - LAMBDA) * redundancy;
                if (value > bestValue) {
                    bestValue = value;
                    pick = i;
                }
            }
            used[pick] = true;
            out[step] = pick;
            for (int i = 0; i < n; i++) {
                if (!used[i]) {
                    closest[i] = Math.max(closest[i], Vectors.dot(vectors[i], vectors[pick]));
                }
            }
        }
        for (int i = 0, at = k; i < n; i++) {
            if (!used[i]) {
                out[at++] = i;
            }
        }
        return out;
    }
}
