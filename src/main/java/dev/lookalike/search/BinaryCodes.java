package dev.lookalike.search;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.stream.IntStream;

/**
 * One bit per dimension of every row, for a first pass that reads an eighth of the int8 copy: bit
 * {@code i} of row {@code r} is whether {@code vᵢ} lies above the collection's mean {@code mᵢ} (CLIP's
 * vectors sit far from the origin, so signs about 0 would say little). A query's score against a row is
 * estimated as {@code q·m + f[r]·(q·sign(v − m))}, with {@code f[r] = ‖v − m‖² / Σ|vᵢ − mᵢ|} (the
 * length of {@code v − m} over the cosine between it and its sign vector, as RaBitQ estimates), and
 * {@code q·sign(v − m)} worked out with popcounts against the query quantised to {@link #QUERY_BITS}
 * bit planes. The estimate has no useful bound, so it only picks candidates, which are then scored exactly:
 * what it costs is recall, measured by {@code BinaryScanTest} and {@code bench}.
 */
final class BinaryCodes {

    /** Bit planes of the quantised query: 4 keep its rounding well below the codes' own error. */
    static final int QUERY_BITS = 4;

    /**
     * Bit planes of the query for {@link #coarseBest}, the estimate every eligible product gets: half the
     * popcounts of {@link #estimate}'s, and close enough to it to pick the few products {@link #estimate} then
     * ranks (one bit was measured to lose recall@10 on text-shaped queries at a million photos; two lose none).
     */
    static final int COARSE_BITS = 2;

    /** Below this many rows one thread estimates faster than several. */
    private static final int PARALLEL_ROWS = 1 << 15;

    private final int dim;
    private final int rows;
    private final int words;
    private final float[] mean;
    private final long[] codes;
    private final float[] factor;
    private final short[] ones;

    private BinaryCodes(int dim, int rows, float[] mean) {
        this.dim = dim;
        this.rows = rows;
        this.words = (dim + 63) >>> 6;
        this.mean = mean;
        this.codes = new long[Math.multiplyExact(words, rows)];
        this.factor = new float[rows];
        this.ones = new short[rows];
    }

    /** The codes of every row of the int8 copy (its rows decoded: the codes need no more precision). */
    static BinaryCodes of(Int8Rows rows) {
        int dim = rows.dim();
        return of(dim, rows.rows(), (from, to, each) -> {
            float[] v = new float[dim];
            for (int r = from; r < to; r++) {
                rows.decode(r, v);
                each.row(r, v, 0);
            }
        });
    }

    /** The codes of every float32 row. */
    static BinaryCodes of(FloatRows rows) {
        int dim = rows.dim();
        float[] m = rows.heapMatrix();
        if (m != null) {
            return of(dim, rows.rows(), (from, to, each) -> {
                for (int r = from; r < to; r++) {
                    each.row(r, m, r * dim);
                }
            });
        }
        VectorFile.Rows file = (VectorFile.Rows) rows;
        return of(dim, rows.rows(), (from, to, each) -> file.forEachBlock(from, to, (first, block, count) -> {
            for (int i = 0; i < count; i++) {
                each.row(first + i, block, i * dim);
            }
        }));
    }

    /** Row {@code row}'s floats, {@code dim} of them from {@code offset} of {@code v}. */
    @FunctionalInterface
    private interface RowConsumer {
        void row(int row, float[] v, int offset);
    }

    /** Hands rows {@code from … to} to a consumer, in order (one source of rows, asked from several threads). */
    @FunctionalInterface
    private interface RowSource {
        void rows(int from, int to, RowConsumer each);
    }

    /** The codes of {@code n} rows, read twice: for the mean, then for the codes. */
    private static BinaryCodes of(int dim, int n, RowSource source) {
        int chunks = n >= PARALLEL_ROWS ? Runtime.getRuntime().availableProcessors() * 4 : 1;
        int step = (n + chunks - 1) / chunks;
        double[][] sums = new double[chunks][];
        run(chunks, c -> {
            double[] s = new double[dim];
            source.rows(Math.min(n, c * step), Math.min(n, (c + 1) * step), (row, v, offset) -> {
                for (int i = 0; i < dim; i++) {
                    s[i] += v[offset + i];
                }
            });
            sums[c] = s;
        });
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            double s = 0;
            for (double[] part : sums) {
                s += part[i];
            }
            mean[i] = n == 0 ? 0 : (float) (s / n);
        }
        BinaryCodes b = new BinaryCodes(dim, n, mean);
        run(chunks, c -> source.rows(Math.min(n, c * step), Math.min(n, (c + 1) * step), b::set));
        return b;
    }

    private void set(int row, float[] v, int offset) {
        double squares = 0;
        double lengths = 0;
        int count = 0;
        int base = row * words;
        for (int i = 0; i < dim; i++) {
            double x = (double) v[offset + i] - mean[i];
            squares += x * x;
            lengths += Math.abs(x);
            if (x > 0) {
                codes[base + (i >>> 6)] |= 1L << (i & 63);
                count++;
            }
        }
        factor[row] = lengths == 0 || !Double.isFinite(squares) ? 0 : (float) (squares / lengths);
        ones[row] = (short) count;
    }

    int rows() {
        return rows;
    }

    /** Writes the codes for {@link #readFrom} (the start file keeps them, so a warm start need not make them). */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(rows);
        for (float m : mean) {
            out.writeFloat(m);
        }
        for (int r = 0; r < rows; r++) {
            out.writeFloat(factor[r]);
            out.writeShort(ones[r]);
        }
        for (long c : codes) {
            out.writeLong(c);
        }
    }

    /**
     * The codes {@link #writeTo} wrote, of {@code dim}, at most {@code most} entries.
     *
     * @throws IllegalArgumentException when the entry count is negative or above {@code most}
     */
    static BinaryCodes readFrom(DataInputStream in, int dim, int most) throws IOException {
        int rows = in.readInt();
        if (rows < 0 || rows > most) {
            throw new IllegalArgumentException(rows + " entries of codes, at most " + most + " expected");
        }
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = in.readFloat();
        }
        BinaryCodes b = new BinaryCodes(dim, rows, mean);
        for (int r = 0; r < rows; r++) {
            b.factor[r] = in.readFloat();
            b.ones[r] = in.readShort();
        }
        long[] codes = b.codes;
        for (int i = 0; i < codes.length; i++) {
            codes[i] = in.readLong();
        }
        return b;
    }

    /** Bytes held, for the logs and the bench. */
    long bytes() {
        return 8L * codes.length + 6L * rows + 4L * dim;
    }

    /** A query made ready for {@link #estimate} and {@link #coarseBest}: its bit planes and what they stand for. */
    Query query(float[] q) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        double onMean = 0;
        for (int i = 0; i < dim; i++) {
            lo = Math.min(lo, q[i]);
            hi = Math.max(hi, q[i]);
            onMean += (double) q[i] * mean[i];
        }
        return new Query(planes(q, lo, hi, QUERY_BITS), planes(q, lo, hi, COARSE_BITS), (float) onMean);
    }

    /** {@code q} quantised to {@code bits} levels between {@code lo} and {@code hi}, as bit planes. */
    private Planes planes(float[] q, float lo, float hi, int bits) {
        int levels = (1 << bits) - 1;
        float delta = hi > lo ? (hi - lo) / levels : 0;
        long[] planes = new long[bits * words];
        long total = 0;
        for (int i = 0; i < dim; i++) {
            int u = delta == 0 ? 0 : Math.min(levels, Math.round((q[i] - lo) / delta));
            total += u;
            for (int b = 0; b < bits; b++) {
                if ((u >>> b & 1) != 0) {
                    planes[(i >>> 6) * bits + b] |= 1L << (i & 63);
                }
            }
        }
        float sum = (float) ((double) lo * dim + (double) delta * total);
        return new Planes(planes, lo, delta, sum);
    }

    /**
     * A query quantised to a few bit planes; those of word {@code j} lie together, so one row reads one
     * stretch of them.
     *
     * @param lo    the quantised query's smallest value
     * @param delta the step between its levels
     * @param sum   the sum of its values
     */
    record Planes(long[] bits, float lo, float delta, float sum) {}

    /**
     * @param fine   the query in {@link #QUERY_BITS} planes, for {@link #estimate}
     * @param rough  the query in {@link #COARSE_BITS} planes, for {@link #coarseBest}
     * @param onMean its dot product with the mean
     */
    record Query(Planes fine, Planes rough, float onMean) {}

    /**
     * These codes laid out again with entry {@code j} holding row {@code order[j]}'s (a row may appear more
     * than once), so that a pass in that order reads them in sequence: an index lays them out in product
     * order, where a catalogue's rows (photos in id order) would otherwise be read at random.
     */
    BinaryCodes inOrder(int[] order) {
        BinaryCodes b = new BinaryCodes(dim, order.length, mean);
        for (int j = 0; j < order.length; j++) {
            int r = order[j];
            System.arraycopy(codes, r * words, b.codes, j * words, words);
            b.factor[j] = factor[r];
            b.ones[j] = ones[r];
        }
        return b;
    }

    /**
     * The best rough estimate of entries {@code from … to)}, one product's photos: as {@link #estimate}
     * with the query in {@link #COARSE_BITS} planes, half the popcounts. It only narrows the products
     * {@link #estimate} looks at.
     */
    float coarseBest(Query q, int from, int to) {
        Planes r = q.rough;
        long[] p = r.bits;
        long[] cs = codes;
        int n = words;
        float best = Float.NEGATIVE_INFINITY;
        for (int row = from; row < to; row++) {
            int base = row * n;
            int w1 = 0;
            int w2 = 0;
            for (int j = 0, at = 0; j < n; j++, at += COARSE_BITS) {
                long c = cs[base + j];
                w1 += Long.bitCount(c & p[at]);
                w2 += Long.bitCount(c & p[at + 1]);
            }
            best = Math.max(best, score(q, r, row, w1 + (w2 << 1)));
        }
        return best;
    }

    /** The estimated score of entry {@code row} (a row, or after {@link #inOrder} a position in its order). */
    float estimate(Query q, int row) {
        Planes f = q.fine;
        long[] p = f.bits;
        int base = row * words;
        int w1 = 0;
        int w2 = 0;
        int w4 = 0;
        int w8 = 0;
        for (int j = 0, at = 0; j < words; j++, at += QUERY_BITS) {
            long c = codes[base + j];
            w1 += Long.bitCount(c & p[at]);
            w2 += Long.bitCount(c & p[at + 1]);
            w4 += Long.bitCount(c & p[at + 2]);
            w8 += Long.bitCount(c & p[at + 3]);
        }
        return score(q, f, row, w1 + (w2 << 1) + (w4 << 2) + (w8 << 3));
    }

    /** The estimate from {@code weighted}, the quantised query's levels summed where the row is above the mean. */
    private float score(Query q, Planes p, int row, int weighted) {
        // the sum of the query's values where the row is above the mean
        float above = p.lo * ones[row] + p.delta * weighted;
        return q.onMean + factor[row] * (2 * above - p.sum);
    }

    private static void run(int chunks, java.util.function.IntConsumer work) {
        if (chunks == 1) {
            work.accept(0);
        } else {
            IntStream.range(0, chunks).parallel().forEach(work);
        }
    }
}
