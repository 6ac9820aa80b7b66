package dev.lookalike.search;

import dev.lookalike.embed.Vectors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Maximal marginal relevance pushes near-copies back and keeps the best first. */
class DiversityTest {

    @Test
    void nearCopiesMoveBehindADifferentResult() {
        float[][] v = {
                Vectors.normalize(new float[] {1, 0, 0}),
                Vectors.normalize(new float[] {1, 0.01f, 0}), // a copy of the first
                Vectors.normalize(new float[] {1, 0, 0.01f}), // another copy
                Vectors.normalize(new float[] {0, 1, 0}),     // different, a little less relevant
                Vectors.normalize(new float[] {0, 0, 1}),     // the weakest candidate of the pool
        };
        double[] relevance = {1.0, 0.98, 0.97, 0.9, 0.5};
        int[] order = Diversity.order(v, relevance, 5);
        assertEquals(0, order[0], "the best stays first");
        assertEquals(3, order[1], "the different one comes before the copies");
        assertEquals(5, order.length);
    }

    @Test
    void distinctResultsKeepTheirOrderAndTheRestFollowUntouched() {
        float[][] v = {
                Vectors.normalize(new float[] {1, 0, 0}),
                Vectors.normalize(new float[] {0, 1, 0}),
                Vectors.normalize(new float[] {0, 0, 1}),
                Vectors.normalize(new float[] {1, 0.01f, 0}),
        };
        double[] relevance = {0.9, 0.8, 0.7, 0.6};
        assertArrayEquals(new int[] {0, 1, 2, 3}, Diversity.order(v, relevance, 4));
        assertArrayEquals(new int[] {0, 1, 2, 3}, Diversity.order(v, relevance, 2));
    }
}
