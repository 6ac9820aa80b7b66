package dev.lookalike.search;

import dev.lookalike.embed.Vectors;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Every product's most similar products, worked out once so that "more like this" and "cheaper
 * lookalikes" are a list walk instead of a scan of every photo. List {@code p} is exactly the top of
 * what {@link VectorIndex#search} ranks for product {@code p}'s first photo (itself left out), with
 * the same scores and tie order, so a filtered request takes the entries its filter accepts, in
 * order, and gets the same answer as a filtered scan, as long as enough entries pass; otherwise the
 * caller scans.
 */
final class Lookalikes {

    private final int size;
    /** Each product's list number, -1 for a product without photos (it has no list). */
    private final int[] slots;
    private final int[] counts;
    private final int[] neighbours;
    private final int[] rows;
    private final float[] scores;
    /** True when each list holds every other product with a photo, so running out means there is no more. */
    private final boolean complete;

    private Lookalikes(int size, int[] slots, int[] counts, int[] neighbours, int[] rows, float[] scores,
                       boolean complete) {
        this.size = size;
        this.slots = slots;
        this.counts = counts;
        this.neighbours = neighbours;
        this.rows = rows;
        this.scores = scores;
        this.complete = complete;
    }

    /**
     * Computes the lists of up to {@code size} entries on the calling thread, four products per pass
     * over the vectors.
     *
     * @return the lists, or null when {@code stop} said so before they were done
     */
    static Lookalikes build(int dim, float[] matrix, Scan scan, int[][] rowProducts, int[][] productRows,
                            int size, BooleanSupplier stop) {
        int productCount = productRows.length;
        int withPhotos = 0;
        for (int[] r : productRows) {
            if (r.length > 0) {
                withPhotos++;
            }
        }
        int[] queue = new int[withPhotos];
        int[] slots = new int[productCount];
        Arrays.fill(slots, -1);
        for (int p = 0, at = 0; p < productCount; p++) {
            if (productRows[p].length > 0) {
                slots[p] = at;
                queue[at++] = p;
            }
        }
        int n = rowProducts.length;
        int[] counts = new int[withPhotos];
        int[] neighbours = new int[Math.multiplyExact(withPhotos, size)];
        int[] bestRows = new int[neighbours.length];
        float[] bestScores = new float[neighbours.length];
        int block = 4;
        float[][] queries = new float[block][];
        float[][] rowScores = new float[block][n];
        float[] best = new float[productCount];
        int[] bestRow = new int[productCount];
        boolean[] eligible = new boolean[productCount];
        for (int p : queue) {
            eligible[p] = true;
        }
        for (int start = 0; start < queue.length; start += block) {
            if (stop.getAsBoolean()) {
                return null;
            }
            int m = Math.min(block, queue.length - start);
            for (int j = 0; j < block; j++) {
                // a short last block repeats its last product; the repeats are not stored
                int row = productRows[queue[start + Math.min(j, m - 1)]][0];
                // normalised again, as SearchService does with a product's vector before it scans
                queries[j] = Vectors.normalize(Arrays.copyOfRange(matrix, row * dim, row * dim + dim));
            }
            scan.scoresSerial(queries, rowScores);
            for (int j = 0; j < m; j++) {
                int self = queue[start + j];
                eligible[self] = false; // a product is not its own lookalike
                VectorIndex.bestPerProduct(rowScores[j], rowProducts, eligible, best, bestRow);
                eligible[self] = true;
                int[] top = TopK.select(best, size);
                int base = slots[self] * size;
                for (int i = 0; i < top.length; i++) {
                    neighbours[base + i] = top[i];
                    bestRows[base + i] = bestRow[top[i]];
                    bestScores[base + i] = best[top[i]];
                }
                counts[slots[self]] = top.length;
            }
        }
        return new Lookalikes(size, slots, counts, neighbours, bestRows, bestScores, size >= withPhotos - 1);
    }

    /** How many entries each list holds at most. */
    int size() {
        return size;
    }

    /** Receives one accepted entry of a list: the product's index, its best photo's row, its score. */
    @FunctionalInterface
    interface Sink {
        /** @return false to stop the walk */
        boolean accept(int product, int row, float score);
    }

    /**
     * Walks product {@code p}'s list best first, handing each entry to {@code sink} until it says
     * stop.
     *
     * @return true when the walk was stopped by the sink or the list holds every product; false when
     *     the list ran out and products beyond it may still qualify (then only a scan can tell)
     */
    boolean walk(int p, Sink sink) {
        int slot = slots[p];
        if (slot < 0) {
            return false; // no photo, no list (callers never ask)
        }
        int base = slot * size;
        for (int i = 0; i < counts[slot]; i++) {
            if (!sink.accept(neighbours[base + i], rows[base + i], scores[base + i])) {
                return true;
            }
        }
        return complete;
    }
}
