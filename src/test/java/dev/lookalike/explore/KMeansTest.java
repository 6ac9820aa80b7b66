package dev.lookalike.explore;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansTest {

    @Test
    void adjustedRandIsOneForTheSamePartitionRenamedAndNearZeroForARandomOne() {
        assertEquals(1.0, Groups.adjustedRand(new int[] {0, 0, 1, 1, 2, 2}, new int[] {2, 2, 0, 0, 1, 1}), 1e-12);
        // worked by hand: contingency [[2,0],[1,1]] gives ARI (1 − 2·1/3... ) = 0 for this pair
        assertEquals(0.0, Groups.adjustedRand(new int[] {0, 0, 1, 1}, new int[] {0, 0, 0, 1}), 1e-12);
        java.util.Random rnd = new java.util.Random(1);
        int[] a = new int[5000];
        int[] b = new int[5000];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(8);
            b[i] = rnd.nextInt(8);
        }
        assertTrue(Math.abs(Groups.adjustedRand(a, b)) < 0.01);
    }

    @Test
    void recoversGeneratedGroups() {
        Groups g = new Groups(3000, 12, 64, 0.08, 7);
        KMeans.Result r = KMeans.cluster(g.data, g.dim, 12, 42, 3);
        double ari = Groups.adjustedRand(g.truth, r.assignment());
        System.out.printf("k-means on 3,000 rows in 12 generated groups: adjusted Rand index %.4f, %d iterations%n",
                ari, r.iterations());
        // k-means++ with three restarts finds every one of 12 well-separated groups; one merged pair would
        // already cost about 0.1, so 0.95 says no group was merged or split
        assertTrue(ari >= 0.95, "adjusted Rand index " + ari);
        assertFalse(r.miniBatch());
        assertEquals(3000, Arrays.stream(r.sizes()).sum());
        for (int c = 0; c < r.k(); c++) {
            float[] v = r.centroid(c);
            assertEquals(1.0, Math.sqrt(dev.lookalike.embed.Vectors.dot(v, v)), 1e-4, "centroids are unit vectors");
        }
    }

    @Test
    void theSameSeedGivesTheSameClustersAndAnotherSeedMayNot() {
        Groups g = new Groups(1500, 9, 32, 0.2, 3);
        KMeans.Result a = KMeans.cluster(g.data, g.dim, 9, 5, 3);
        KMeans.Result b = KMeans.cluster(g.data, g.dim, 9, 5, 3);
        assertArrayEquals(a.assignment(), b.assignment());
        assertArrayEquals(a.centroids(), b.centroids());
        assertEquals(a.inertia(), b.inertia());
    }

    @Test
    void miniBatchRecoversGroupsOfALargeCatalogue() {
        Groups g = new Groups(KMeans.MINI_BATCH_ABOVE + 10_000, 20, 32, 0.1, 11);
        long t = System.nanoTime();
        KMeans.Result r = KMeans.cluster(g.data, g.dim, 20, 42, 1);
        double ari = Groups.adjustedRand(g.truth, r.assignment());
        System.out.printf("mini-batch k-means on 60,000 rows in 20 groups: adjusted Rand index %.4f, %d batches, "
                + "%.0f ms%n", ari, r.iterations(), (System.nanoTime() - t) / 1e6);
        assertTrue(r.miniBatch());
        // one k-means++ seeding without restarts may merge two of the 20 groups and split another (≈ 0.9)
        assertTrue(ari >= 0.85, "adjusted Rand index " + ari);
        KMeans.Result again = KMeans.cluster(g.data, g.dim, 20, 42, 1);
        assertArrayEquals(r.assignment(), again.assignment());
    }

    @Test
    void autoChoosesTheNumberOfGeneratedGroupsBySilhouette() {
        Groups g = new Groups(1200, 7, 48, 0.08, 21);
        ChooseK.Choice choice = ChooseK.choose(g.data, g.dim, 42);
        System.out.println("silhouette by k: " + choice.scores());
        assertEquals(7, choice.k(), choice.scores().toString());
        assertEquals(2, choice.scores().keySet().iterator().next(), "auto starts at 2");
        assertEquals(30, ChooseK.bounds(1200)[1]);
        assertEquals(1, ChooseK.bounds(5)[1]);
    }

    @Test
    void silhouetteOfTwoTightFarApartPairsIsNearOne() {
        // points 0,1 at distance 0.1, points 2,3 at 0.1, the pairs 1.9 apart: s = (1.9 − 0.1) / 1.9 each
        float[] d = {0, .1f, 1.9f, 1.9f, .1f, 0, 1.9f, 1.9f, 1.9f, 1.9f, 0, .1f, 1.9f, 1.9f, .1f, 0};
        assertEquals(1.8 / 1.9, ChooseK.silhouette(d, 4, new int[] {0, 0, 1, 1}, 2), 1e-6);
        assertTrue(ChooseK.silhouette(d, 4, new int[] {0, 1, 0, 1}, 2) < 0);
    }

    @Test
    void kOutsideOneToNIsRefused() {
        float[] data = new Groups(10, 2, 4, 0.1, 1).data;
        assertThrows(IllegalArgumentException.class, () -> KMeans.cluster(data, 4, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> KMeans.cluster(data, 4, 11, 1, 1));
        assertEquals(10, KMeans.cluster(data, 4, 10, 1, 1).sizes().length);
    }
}
