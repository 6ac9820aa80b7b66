package dev.lookalike.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Small vector helpers shared by the engines and the index. */
public final class Vectors {
    private Vectors() {}

    /** Scales {@code v} in place to unit length (a zero vector stays zero) and returns it. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }

    /**
     * Every vector of a model's answer scaled to unit length in place, after checking there is one per
     * input: a model that answers for another number of inputs is broken.
     *
     * @throws EmbeddingException when {@code vectors} does not hold {@code expected} vectors
     */
    public static float[][] normalizeAll(float[][] vectors, int expected) {
        if (vectors.length != expected) {
            throw new EmbeddingException("model returned " + vectors.length + " vectors for " + expected + " inputs");
        }
        for (float[] v : vectors) {
            normalize(v);
        }
        return vectors;
    }

    /**
     * The rows of a model's [batch, dim] output as float32 arrays.
     *
     * @throws EmbeddingException when the output is not two-dimensional
     */
    public static float[][] rows(NDArray out) {
        if (out.getShape().dimension() != 2) {
            throw new EmbeddingException("model returned shape " + out.getShape() + ", expected [batch, dim]");
        }
        int batch = (int) out.getShape().get(0);
        int d = (int) out.getShape().get(1);
        float[] flat = out.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[batch][d];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }

    public static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
