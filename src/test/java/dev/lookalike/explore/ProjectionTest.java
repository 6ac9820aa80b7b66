package dev.lookalike.explore;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionTest {

    @Test
    void findsTheTwoDirectionsOfGreatestSpreadInOrder() {
        // spread 3 along axis 5, 1 along axis 2, 0.05 elsewhere: PCA's axes are e5 then e2
        int dim = 16;
        int n = 4000;
        Random rnd = new Random(9);
        float[] data = new float[n * dim];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < dim; i++) {
                data[r * dim + i] = (float) (0.05 * rnd.nextGaussian());
            }
            data[r * dim + 5] += (float) (3 * rnd.nextGaussian());
            data[r * dim + 2] += (float) (1 * rnd.nextGaussian());
            data[r * dim + 7] += 10; // an offset the mean removes
        }
        Projection.Axes axes = Projection.fit(data, dim, 1);
        assertEquals(1.0, axes.axes()[5], 1e-3, "first axis is e5, sign fixed positive");
        assertEquals(1.0, axes.axes()[dim + 2], 1e-3, "second axis is e2");
        double far = 0;
        for (int r = 0; r < n; r++) {
            float[] p = axes.project(java.util.Arrays.copyOfRange(data, r * dim, r * dim + dim));
            far = Math.max(far, Math.max(Math.abs(p[0]), Math.abs(p[1])));
        }
        assertEquals(1.0, far, 1e-5, "the farthest product sits at 1");
        Projection.Axes again = Projection.fit(data, dim, 1);
        assertTrue(java.util.Arrays.equals(axes.axes(), again.axes()), "deterministic");
    }
}
