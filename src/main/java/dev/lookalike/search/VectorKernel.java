package dev.lookalike.search;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products with SIMD through the incubating Vector API. Only loaded when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; {@link Scan} falls back to plain Java otherwise.
 */
final class VectorKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorKernel() {}

    static void score(float[] q, float[] matrix, int dim, float[] out, int from, int to) {
        int lanes = SPECIES.length();
        int bound = dim - dim % (2 * lanes);
        for (int r = from; r < to; r++) {
            int base = r * dim;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            int i = 0;
            // two accumulators keep two FMA chains in flight
            for (; i < bound; i += 2 * lanes) {
                a0 = FloatVector.fromArray(SPECIES, q, i).fma(FloatVector.fromArray(SPECIES, matrix, base + i), a0);
                a1 = FloatVector.fromArray(SPECIES, q, i + lanes)
                        .fma(FloatVector.fromArray(SPECIES, matrix, base + i + lanes), a1);
            }
            float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                s += q[i] * matrix[base + i];
            }
            out[r] = s;
        }
    }
}
