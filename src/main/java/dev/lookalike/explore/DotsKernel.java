package dev.lookalike.explore;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One dot product with SIMD through the incubating Vector API, written as {@code search/VectorKernel}'s
 * (two accumulators, FMA). Only loaded when the JVM was started with {@code --add-modules jdk.incubator.vector}.
 */
final class DotsKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private DotsKernel() {}

    static float dot(float[] a, int ai, float[] b, int bi, int dim) {
        int lanes = SPECIES.length();
        int bound = dim - dim % (2 * lanes);
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i < bound; i += 2 * lanes) {
            s0 = FloatVector.fromArray(SPECIES, a, ai + i).fma(FloatVector.fromArray(SPECIES, b, bi + i), s0);
            s1 = FloatVector.fromArray(SPECIES, a, ai + i + lanes)
                    .fma(FloatVector.fromArray(SPECIES, b, bi + i + lanes), s1);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            s += a[ai + i] * b[bi + i];
        }
        return s;
    }
}
