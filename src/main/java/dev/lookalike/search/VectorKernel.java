package dev.lookalike.search;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products with SIMD through the incubating Vector API. Only loaded when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; {@link Scan} falls back to plain Java otherwise.
 */
final class VectorKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** As many bytes as {@link #SPECIES} has lanes, so one load widens into one float register. */
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SPECIES.length() * Byte.SIZE));

    private VectorKernel() {}

    static void score(float[] q, float[] matrix, int dim, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            out[r] = dot(q, matrix, r * dim, dim);
        }
    }

    /** The dot product of {@code q} with the {@code dim} floats of {@code m} from {@code base}. */
    static float dot(float[] q, float[] m, int base, int dim) {
        return dot(q, 0, m, base, dim);
    }

    /** The dot product of {@code a[ai..ai+dim)} and {@code b[bi..bi+dim)}. */
    static float dot(float[] a, int ai, float[] b, int bi, int dim) {
        int lanes = SPECIES.length();
        int bound = dim - dim % (2 * lanes);
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        int i = 0;
        // two accumulators keep two FMA chains in flight
        for (; i < bound; i += 2 * lanes) {
            a0 = FloatVector.fromArray(SPECIES, a, ai + i).fma(FloatVector.fromArray(SPECIES, b, bi + i), a0);
            a1 = FloatVector.fromArray(SPECIES, a, ai + i + lanes)
                    .fma(FloatVector.fromArray(SPECIES, b, bi + i + lanes), a1);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            s += a[ai + i] * b[bi + i];
        }
        return s;
    }

    /**
     * {@code out[r] = scale[r] · (q · codes of row r)} for rows {@code from} to {@code to}: the int8 rows are
     * widened to floats a register at a time (a quarter of the float32 scan's memory traffic).
     */
    static void estimate(float[] q, byte[] codes, float[] scale, int dim, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            out[r] = estimateRow(q, codes, scale, dim, r);
        }
    }

    /** Row {@code r}'s estimate, as {@link #estimate} gives it. */
    static float estimateRow(float[] q, byte[] codes, float[] scale, int dim, int r) {
        int lanes = SPECIES.length();
        int bound = dim - dim % (4 * lanes);
        int base = r * dim;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int i = 0;
        // written out in one method: a vector that crosses a call C2 does not inline is boxed, 50× slower
        for (; i < bound; i += 4 * lanes) {
            FloatVector c0 = (FloatVector) ByteVector.fromArray(BYTES, codes, base + i)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
            FloatVector c1 = (FloatVector) ByteVector.fromArray(BYTES, codes, base + i + lanes)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
            FloatVector c2 = (FloatVector) ByteVector.fromArray(BYTES, codes, base + i + 2 * lanes)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
            FloatVector c3 = (FloatVector) ByteVector.fromArray(BYTES, codes, base + i + 3 * lanes)
                    .convertShape(VectorOperators.B2F, SPECIES, 0);
            a0 = FloatVector.fromArray(SPECIES, q, i).fma(c0, a0);
            a1 = FloatVector.fromArray(SPECIES, q, i + lanes).fma(c1, a1);
            a2 = FloatVector.fromArray(SPECIES, q, i + 2 * lanes).fma(c2, a2);
            a3 = FloatVector.fromArray(SPECIES, q, i + 3 * lanes).fma(c3, a3);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < dim; i++) {
            s += q[i] * codes[base + i];
        }
        return scale[r] * s;
    }

    /**
     * Four queries against the same rows: each row is read from memory once for all four. Every dot
     * product is summed exactly as {@link #score} sums it (same accumulators, same order), so the
     * scores are bit-for-bit those of four separate calls.
     */
    static void score4(float[][] q, float[] matrix, int dim, float[][] out, int from, int to) {
        int lanes = SPECIES.length();
        int bound = dim - dim % (2 * lanes);
        float[] q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
        for (int r = from; r < to; r++) {
            int base = r * dim;
            FloatVector a0 = FloatVector.zero(SPECIES), b0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES), b1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES), b2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES), b3 = FloatVector.zero(SPECIES);
            int i = 0;
            for (; i < bound; i += 2 * lanes) {
                FloatVector m = FloatVector.fromArray(SPECIES, matrix, base + i);
                FloatVector n = FloatVector.fromArray(SPECIES, matrix, base + i + lanes);
                a0 = FloatVector.fromArray(SPECIES, q0, i).fma(m, a0);
                b0 = FloatVector.fromArray(SPECIES, q0, i + lanes).fma(n, b0);
                a1 = FloatVector.fromArray(SPECIES, q1, i).fma(m, a1);
                b1 = FloatVector.fromArray(SPECIES, q1, i + lanes).fma(n, b1);
                a2 = FloatVector.fromArray(SPECIES, q2, i).fma(m, a2);
                b2 = FloatVector.fromArray(SPECIES, q2, i + lanes).fma(n, b2);
                a3 = FloatVector.fromArray(SPECIES, q3, i).fma(m, a3);
                b3 = FloatVector.fromArray(SPECIES, q3, i + lanes).fma(n, b3);
            }
            float s0 = a0.add(b0).reduceLanes(VectorOperators.ADD);
            float s1 = a1.add(b1).reduceLanes(VectorOperators.ADD);
            float s2 = a2.add(b2).reduceLanes(VectorOperators.ADD);
            float s3 = a3.add(b3).reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                float m = matrix[base + i];
                s0 += q0[i] * m;
                s1 += q1[i] * m;
                s2 += q2[i] * m;
                s3 += q3[i] * m;
            }
            out[0][r] = s0;
            out[1][r] = s1;
            out[2][r] = s2;
            out[3][r] = s3;
        }
    }

    /** The widest register's bytes, at most 64: {@link BinaryCodes#BLOCK} entries, one shuffle's lookups. */
    private static final VectorSpecies<Byte> NIBBLES = ByteVector.SPECIES_PREFERRED.length() >= 64
            ? ByteVector.SPECIES_512 : ByteVector.SPECIES_PREFERRED.length() >= 32 ? ByteVector.SPECIES_256
            : ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> PAIRS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(NIBBLES.vectorBitSize()));

    /** Entries in a block of {@link #codeSums}: the bytes of {@link #NIBBLES}. */
    static int codeBlock() {
        return NIBBLES.length();
    }

    /**
     * {@link BinaryCodes#sums} with shuffles: for each byte of the codes, the block's low nibbles pick from
     * the low table and its high nibbles from the high one (a table's 16 sums at the start of its own register), a register of lookups an instruction, and the two picks (each
     * at most 127) add up in a byte; pairs of those bytes are then read as one 16-bit lane and summed as
     * their low and high halves, so no sum overflows before the code's end.
     */
    static void codeSums(byte[] blocks, int bytes, byte[] table, int from, int to, short[] out) {
        int lanes = NIBBLES.length();
        for (int b = from, o = 0; b < to; b++, o += lanes) {
            ShortVector first = ShortVector.zero(PAIRS);
            ShortVector second = ShortVector.zero(PAIRS);
            int base = b * bytes * lanes;
            for (int j = 0; j < bytes; j++) {
                ByteVector c = ByteVector.fromArray(NIBBLES, blocks, base + j * lanes);
                ByteVector low = ByteVector.fromArray(NIBBLES, table, 2 * j * lanes);
                ByteVector high = ByteVector.fromArray(NIBBLES, table, (2 * j + 1) * lanes);
                ShortVector s = low.rearrange(c.and((byte) 0x0F).toShuffle())
                        .add(high.rearrange(c.lanewise(VectorOperators.LSHR, 4).toShuffle()))
                        .reinterpretAsShorts();
                first = first.add(s.and((short) 0xFF));
                second = second.add(s.lanewise(VectorOperators.LSHR, 8));
            }
            first.intoArray(out, o);
            second.intoArray(out, o + lanes / 2);
        }
    }
}
