package dev.lookalike.search;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TopKTest {

    @Test
    void agreesWithAFullSortIncludingTiesAndGaps() {
        Random rnd = new Random(9);
        for (int round = 0; round < 200; round++) {
            int n = rnd.nextInt(300);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(10);
                s[i] = kind == 0 ? Float.NEGATIVE_INFINITY : kind == 1 ? 0.5f : rnd.nextFloat();
            }
            int k = rnd.nextInt(40);
            int[] expected = IntStream.range(0, n).filter(i -> s[i] != Float.NEGATIVE_INFINITY).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparing(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, TopK.select(s, k), "round " + round);
        }
    }
}
