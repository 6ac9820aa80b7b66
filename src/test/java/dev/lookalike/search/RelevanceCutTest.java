package dev.lookalike.search;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adaptive cut: at a cliff among the top scores, within its bounds, else at the outer bound. */
class RelevanceCutTest {

    static float kept(float[] scores, double floor) {
        float t = RelevanceCut.threshold(scores, scores.length, floor);
        int n = 0;
        while (n < scores.length && scores[n] >= t) {
            n++;
        }
        return n;
    }

    @Test
    void aCliffAmongTheTopScoresIsWhereResultsStop() {
        // eight close matches, then a drop of 0.2, then a slow tail
        float[] s = new float[40];
        for (int i = 0; i < s.length; i++) {
            s[i] = i < 8 ? 0.90f - 0.01f * i : 0.63f - 0.005f * (i - 8);
        }
        assertEquals(8, kept(s, 0));
        assertEquals(8, kept(s, 0.5));
    }

    @Test
    void withoutACliffTheOuterBoundCutsAndWithoutOneNothingIs() {
        float[] s = new float[100];
        Random rnd = new Random(7);
        float v = 0.32f;
        for (int i = 0; i < s.length; i++) {
            s[i] = v;
            v -= 0.0008f + 0.0004f * rnd.nextFloat(); // an even slope, as a text query's CLIP scores fall
        }
        assertEquals(100, kept(s, 0), "no structure, no bound: everything stays");
        float t = RelevanceCut.threshold(s, s.length, 0.1);
        assertEquals(0.32f - 0.032f, t, 1e-6, "no cliff: the outer bound best − 0.1·|best|");
    }

    @Test
    void theFirstFewResultsAlwaysStayAndACliffBeyondTheOuterBoundDoesNotCount() {
        // the widest drop is after the first result: it is never cut there
        float[] s = {0.9f, 0.3f, 0.29f, 0.28f, 0.27f, 0.26f, 0.25f};
        assertTrue(kept(s, 0) >= RelevanceCut.MIN_KEEP);
        // the only cliff lies below best − 0.25·best: the bound cuts first
        float[] t = {0.80f, 0.79f, 0.78f, 0.77f, 0.76f, 0.75f, 0.74f, 0.40f, 0.39f};
        assertEquals(7, kept(t, 0.25));
        assertEquals(RelevanceCut.MIN_KEEP + 0f, kept(new float[] {0.5f, 0.5f, 0.5f}, 0));
        assertEquals(Float.NEGATIVE_INFINITY, RelevanceCut.threshold(new float[0], 0, 0.25));
    }

    @Test
    void negativeScoresAreBoundedByTheirMagnitude() {
        float[] s = {-0.1f, -0.11f, -0.12f, -0.13f, -0.5f, -0.52f};
        assertEquals(-0.125f, RelevanceCut.threshold(s, s.length, 0.25), 1e-6, "best − 0.25·|best|, below the best");
        assertEquals(4f, kept(s, 0), "no bound: the cliff after the fourth");
    }
}
