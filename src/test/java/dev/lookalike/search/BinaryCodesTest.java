package dev.lookalike.search;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nibble tables of {@link BinaryCodes}: the shuffles sum exactly what the plain loop sums, and the
 * estimates stay within the tables' rounding of the sign estimate worked out directly in doubles.
 */
class BinaryCodesTest {

    @Test
    void theShufflesSumWhatThePlainLoopSums() {
        assertTrue(Scan.SIMD, "the tests run with the Vector API module (the surefire argLine), or this checks nothing");
        // 509 leaves a last byte with five dimensions; at 2100 a table entry's steps drop below 127 to fit 16 bits
        for (int dim : new int[] {8, 509, 512, 768, 2100}) {
            float[] m = rows(dim, 301, dim);
            BinaryCodes codes = BinaryCodes.of(new FloatRows.Heap(dim, m));
            assertEquals(BinaryCodes.BLOCK, codes.block());
            int blocks = (codes.rows() + codes.block() - 1) / codes.block();
            for (int t = 0; t < 4; t++) {
                byte[] table = codes.query(vector(new SplittableRandom(dim * 10L + t), dim)).table();
                short[] simd = new short[blocks * codes.block()];
                short[] plain = new short[blocks * codes.block()];
                codes.sums(table, 0, blocks, simd);
                codes.sumsScalar(table, 0, blocks, plain);
                assertArrayEquals(plain, simd, "dim " + dim);
                int bytes = (dim + 7) / 8;
                int levels = Math.min(127, 0xFFFF / (2 * bytes));
                int most = 0;
                for (short s : plain) {
                    most = Math.max(most, s & 0xFFFF);
                }
                // a byte's two entries add up to at most 2·levels, a code's to at most 16 bits
                assertTrue(most <= 2 * bytes * levels, "dim " + dim + ": " + most);
            }
        }
    }

    @Test
    void estimatesStayWithinTheTablesRoundingOfTheSignEstimate() {
        int dim = 512;
        int n = 1000;
        float[] m = rows(dim, n, 3);
        BinaryCodes codes = BinaryCodes.of(new FloatRows.Heap(dim, m));
        double[] mean = new double[dim];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < dim; i++) {
                mean[i] += m[r * dim + i];
            }
        }
        for (int i = 0; i < dim; i++) {
            mean[i] = (float) (mean[i] / n);
        }
        for (int t = 0; t < 5; t++) {
            float[] q = vector(new SplittableRandom(100 + t), dim);
            double widest = 0;
            for (int g = 0; g < dim / 4; g++) {
                double range = 0;
                for (int i = 4 * g; i < 4 * g + 4; i++) {
                    range += Math.abs(q[i]);
                }
                widest = Math.max(widest, range);
            }
            double step = widest / 127;
            float[] got = new float[n];
            codes.estimates(codes.query(q), 0, n, got, 0);
            double errors = 0;
            double bounds = 0;
            for (int r = 0; r < n; r++) {
                double onMean = 0;
                double onSigns = 0;
                double squares = 0;
                double lengths = 0;
                for (int i = 0; i < dim; i++) {
                    double x = m[r * dim + i] - mean[i];
                    onMean += q[i] * mean[i];
                    onSigns += x > 0 ? q[i] : -q[i];
                    squares += x * x;
                    lengths += Math.abs(x);
                }
                double f = squares / lengths;
                double want = onMean + f * onSigns;
                // each of the dim/4 table entries is off by at most half a step, and counts twice
                double bound = f * (dim / 4) * step + 1e-4;
                double error = Math.abs(got[r] - want);
                assertTrue(error <= bound, "row " + r + ": " + got[r] + " vs " + want + ", bound " + bound);
                errors += error;
                bounds += bound;
            }
            // rounding errors cancel: far inside the worst case on average
            assertTrue(errors < 0.2 * bounds, errors / n + " on average against a bound of " + bounds / n);
        }
    }

    @Test
    void aRangeAndAnOrderAndTheStartFilesCopyGiveTheSameEstimates() throws IOException {
        int dim = 96;
        int n = 77;
        BinaryCodes codes = BinaryCodes.of(new FloatRows.Heap(dim, rows(dim, n, 5)));
        BinaryCodes.Query q = codes.query(vector(new SplittableRandom(9), dim));
        float[] all = new float[n];
        codes.estimates(q, 0, n, all, 0);

        float[] part = new float[30];
        codes.estimates(q, 21, 51, part, 0);
        for (int i = 0; i < part.length; i++) {
            assertEquals(all[21 + i], part[i], "entry " + (21 + i));
        }

        int[] order = new int[n + 3];
        for (int j = 0; j < order.length; j++) {
            order[j] = (j * 31 + 4) % n;
        }
        BinaryCodes ordered = codes.inOrder(order);
        assertEquals(order.length, ordered.rows());
        float[] inOrder = new float[order.length];
        ordered.estimates(ordered.query(vector(new SplittableRandom(9), dim)), 0, order.length, inOrder, 0);
        for (int j = 0; j < order.length; j++) {
            assertEquals(all[order[j]], inOrder[j], "entry " + j);
        }

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            ordered.writeTo(out);
        }
        BinaryCodes read = BinaryCodes.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), dim,
                order.length);
        float[] again = new float[order.length];
        read.estimates(read.query(vector(new SplittableRandom(9), dim)), 0, order.length, again, 0);
        assertArrayEquals(inOrder, again);

        // codes a machine of narrower registers wrote are laid out again, and estimate the same
        for (int width : new int[] {16, 32, 64}) {
            BinaryCodes other = ordered.inBlocksOf(width);
            assertEquals(width, other.block());
            float[] theirs = new float[order.length];
            other.estimates(other.query(vector(new SplittableRandom(9), dim)), 0, order.length, theirs, 0);
            assertArrayEquals(inOrder, theirs, "blocks of " + width);
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(written)) {
                other.writeTo(out);
            }
            BinaryCodes back = BinaryCodes.readFrom(new DataInputStream(new ByteArrayInputStream(written.toByteArray())),
                    dim, order.length);
            assertEquals(BinaryCodes.BLOCK, back.block());
            float[] backs = new float[order.length];
            back.estimates(back.query(vector(new SplittableRandom(9), dim)), 0, order.length, backs, 0);
            assertArrayEquals(inOrder, backs, "read from blocks of " + width);
        }
        assertThrows(IllegalArgumentException.class, () -> BinaryCodes.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), dim, order.length - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> codes.estimates(q, 70, n + 1, new float[10], 0));
    }

    /** {@code n} unit rows leaning towards one common direction, as CLIP's photos do. */
    private static float[] rows(int dim, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] common = vector(rnd, dim);
        float[] m = new float[n * dim];
        for (int r = 0; r < n; r++) {
            float[] v = vector(rnd, dim);
            double s = 0;
            for (int i = 0; i < dim; i++) {
                v[i] = 2 * common[i] + v[i];
                s += v[i] * v[i];
            }
            for (int i = 0; i < dim; i++) {
                m[r * dim + i] = (float) (v[i] / Math.sqrt(s));
            }
        }
        return m;
    }

    /** A unit vector of Gaussian entries. */
    private static float[] vector(SplittableRandom rnd, int dim) {
        float[] v = new float[dim];
        double s = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) gaussian(rnd);
            s += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(s);
        }
        return v;
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
