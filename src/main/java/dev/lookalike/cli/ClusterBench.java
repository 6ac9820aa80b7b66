package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.explore.ChooseK;
import dev.lookalike.explore.KMeans;
import dev.lookalike.explore.Projection;

import java.util.Random;

/**
 * {@code bench --clusters}: the maths of {@code lookalike cluster} on a synthetic catalogue of unit vectors
 * around K random centres: k-means with K (Lloyd's iterations with restarts up to 50,000 products, mini-batch
 * above), choosing k by silhouette on a sample, and the PCA map (fit and projecting every product). Reading
 * the vectors from the catalogue, naming the styles and storing them are not included.
 */
final class ClusterBench {

    private ClusterBench() {}

    static ObjectNode run(int n, int dim, int k) {
        if (n < k || k < 2) {
            throw new CommandFailure(ExitCodes.USAGE, "--clusters sizes must be at least --cluster-k (" + k
                    + ", itself ≥ 2), got " + n);
        }
        Random rnd = new Random(n);
        float[][] centres = new float[k][dim];
        for (float[] c : centres) {
            for (int i = 0; i < dim; i++) {
                c[i] = (float) rnd.nextGaussian();
            }
            dev.lookalike.embed.Vectors.normalize(c);
        }
        float[] data = new float[Math.multiplyExact(n, dim)];
        float[] row = new float[dim];
        double noise = 1.5 / Math.sqrt(dim); // a row's cosine with its centre about 0.55, as photos of one style
        for (int r = 0; r < n; r++) {
            float[] c = centres[rnd.nextInt(k)];
            for (int i = 0; i < dim; i++) {
                row[i] = (float) (c[i] + noise * rnd.nextGaussian());
            }
            dev.lookalike.embed.Vectors.normalize(row);
            System.arraycopy(row, 0, data, r * dim, dim);
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("products", n);
        node.put("dim", dim);
        node.put("k", k);
        long t = System.nanoTime();
        KMeans.Result result = KMeans.cluster(data, dim, k, 42, 3);
        node.put("kmeans_s", seconds(t));
        node.put("mini_batch", result.miniBatch());
        node.put("iterations", result.iterations());
        t = System.nanoTime();
        ChooseK.Choice choice = ChooseK.choose(data, dim, 42);
        node.put("auto_k_s", seconds(t));
        node.put("auto_k", choice.k());
        t = System.nanoTime();
        Projection.Axes axes = Projection.fit(data, dim, 42);
        float[] v = new float[dim];
        double sink = 0;
        for (int r = 0; r < n; r++) {
            System.arraycopy(data, r * dim, v, 0, dim);
            sink += axes.project(v)[0];
        }
        node.put("map_s", seconds(t));
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("the projection gave NaN");
        }
        return node;
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
    }
}
