package dev.lookalike.search;

/**
 * Where the look's results stop. CLIP scores every photo, so "results" must end somewhere; a fixed score
 * cannot be it (a text query's best cosine is about 0.3, a product's lookalikes' about 0.9). The cut is
 * adaptive: among the top {@link #WINDOW} scores it looks for the largest drop between consecutive
 * scores, and cuts there when that drop is a cliff, at least {@link #CLIFF} of the window's spread (in a
 * window of 100 scores without structure the largest gap is a few per cent of the spread). It keeps at
 * least {@link #MIN_KEEP} results, and it never keeps a score below the outer bound
 * {@code best − relativeFloor·|best|} (the setting {@code lookalike.search.relative-floor}), which is
 * also where it cuts when there is no cliff. The command line and the API use this one rule.
 */
final class RelevanceCut {

    /** How many top scores the cliff is looked for in (the size of the default lookalike lists). */
    static final int WINDOW = 100;
    /** Results never cut away. */
    static final int MIN_KEEP = 3;
    /** The share of the window's spread a drop must reach to be a cliff. */
    static final double CLIFF = 0.25;

    private RelevanceCut() {}

    /**
     * The lowest score that stays a result.
     *
     * @param top           the best scores, best first (at least the top {@link #WINDOW}, or all there are)
     * @param count         how many entries of {@code top} are valid
     * @param relativeFloor the outer bound's fraction, 0 for none
     * @return the threshold: results scoring at least this stay; negative infinity keeps everything
     */
    static float threshold(float[] top, int count, double relativeFloor) {
        if (count == 0) {
            return Float.NEGATIVE_INFINITY;
        }
        float best = top[0];
        float outer = relativeFloor > 0 ? (float) (best - relativeFloor * Math.abs(best)) : Float.NEGATIVE_INFINITY;
        int window = 0;
        while (window < Math.min(count, WINDOW) && top[window] >= outer) {
            window++;
        }
        if (window > MIN_KEEP) {
            float spread = top[0] - top[window - 1];
            int at = -1;
            float widest = 0;
            for (int i = MIN_KEEP; i < window; i++) {
                float gap = top[i - 1] - top[i];
                if (gap > widest) {
                    widest = gap;
                    at = i;
                }
            }
            if (at > 0 && spread > 0 && widest >= CLIFF * spread) {
                return top[at - 1];
            }
        }
        return outer;
    }
}
