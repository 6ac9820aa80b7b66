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
 * length of {@code v − m} over the cosine between it and its sign vector, as RaBitQ estimates). The estimate
 * has no useful bound, so it only picks candidates, which are then scored exactly: what it costs is recall,
 * measured by {@code BinaryScanTest} and {@code bench}.
 *
 * <p>{@code q·sign(v − m)} is {@code 2·Σ{qᵢ : bit i set} − Σq}, and the sum over the set bits is read from
 * tables, four dimensions at a time (the "fast scan" of Faiss' 4-bit product quantiser, André et al., VLDB
 * 2015, applied to sign bits): for each four dimensions a table of the 16 sums their bits can select, in
 * steps of one byte, and each nibble of a code looks up its entry. The codes lie transposed in blocks of
 * {@link #BLOCK} entries, byte {@code j} of the block's entries side by side, so one 16-byte shuffle
 * ({@code pshufb} on x86, {@code tbl} on ARM) looks up a nibble of 16 entries at once ({@link VectorKernel#codeSums}):
 * at a million 512-d photos about a sixth of the time 2-bit query planes and popcounts took, and with the
 * query's sums to about 1/127 of its largest four-dimension range rather than in 4 levels.
 */
final class BinaryCodes {

    /** Entries in a block: one 128-bit register of bytes. */
    static final int BLOCK = 16;

    /** Entries whose sums one call of the kernel works out before they become estimates (fits in L1). */
    private static final int BATCH_BLOCKS = 64;

    /** Below this many rows one thread makes the codes faster than several. */
    private static final int PARALLEL_ROWS = 1 << 15;

    private final int dim;
    private final int entries;
    /** Bytes of one entry's code: a bit per dimension. */
    private final int bytes;
    /** The table steps a dimension byte's two nibbles may add up to, at most: their sum over a code fits 16 bits. */
    private final int levels;
    private final float[] mean;
    /** The codes in blocks of {@link #BLOCK} entries: block {@code b}'s byte {@code j} of its entries at {@code (b·bytes + j)·BLOCK}. */
    private final byte[] blocks;
    private final float[] factor;

    private BinaryCodes(int dim, int entries, float[] mean) {
        this.dim = dim;
        this.entries = entries;
        this.bytes = (dim + 7) >>> 3;
        this.levels = Math.min(127, 0xFFFF / Math.max(1, 2 * bytes));
        this.mean = mean;
        int blockCount = (entries + BLOCK - 1) / BLOCK;
        this.blocks = new byte[Math.multiplyExact(Math.multiplyExact(blockCount, BLOCK), bytes)];
        this.factor = new float[entries];
    }

    /**
     * Where in a block entry {@code i} of it lies: the kernel reads the sums of lanes {@code 2k} and
     * {@code 2k + 1} as one 16-bit lane and splits them into low and high bytes, so lane {@code 2k} holds
     * entry {@code k} and lane {@code 2k + 1} entry {@code k + 8}, and both halves come out in order.
     */
    private static int lane(int i) {
        return i < BLOCK / 2 ? 2 * i : 2 * (i - BLOCK / 2) + 1;
    }

    /** The index of byte {@code j} of entry {@code e}'s code in {@link #blocks}. */
    private int at(int e, int j) {
        return ((e / BLOCK) * bytes + j) * BLOCK + lane(e % BLOCK);
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
        for (int j = 0; j < bytes; j++) {
            int code = 0;
            for (int i = 8 * j, end = Math.min(dim, i + 8); i < end; i++) {
                double x = (double) v[offset + i] - mean[i];
                squares += x * x;
                lengths += Math.abs(x);
                if (x > 0) {
                    code |= 1 << (i & 7);
                }
            }
            blocks[at(row, j)] = (byte) code;
        }
        factor[row] = lengths == 0 || !Double.isFinite(squares) ? 0 : (float) (squares / lengths);
    }

    /** Entries: rows, or after {@link #inOrder} positions in its order. */
    int rows() {
        return entries;
    }

    /** Writes the codes for {@link #readFrom} (the start file keeps them, so a warm start need not make them). */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(entries);
        for (float m : mean) {
            out.writeFloat(m);
        }
        for (float f : factor) {
            out.writeFloat(f);
        }
        out.write(blocks);
    }

    /**
     * The codes {@link #writeTo} wrote, of {@code dim}, at most {@code most} entries.
     *
     * @throws IllegalArgumentException when the entry count is negative or above {@code most}
     */
    static BinaryCodes readFrom(DataInputStream in, int dim, int most) throws IOException {
        int entries = in.readInt();
        if (entries < 0 || entries > most) {
            throw new IllegalArgumentException(entries + " entries of codes, at most " + most + " expected");
        }
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = in.readFloat();
        }
        BinaryCodes b = new BinaryCodes(dim, entries, mean);
        for (int e = 0; e < entries; e++) {
            b.factor[e] = in.readFloat();
        }
        in.readFully(b.blocks);
        return b;
    }

    /** Bytes held, for the logs and the bench. */
    long bytes() {
        return blocks.length + 4L * entries + 4L * dim;
    }

    /**
     * A query made ready for {@link #estimates}: for each four dimensions (a code's nibble) a table of the
     * 16 sums of the query's values its bits select, less the smallest of them, in steps of {@code step}
     * rounded to the nearest; the tables of byte {@code j}'s low and high nibble at {@code 32·j} and
     * {@code 32·j + 16}.
     */
    Query query(float[] q) {
        int groups = 2 * bytes;
        double[] sums = new double[groups * 16];
        double[] least = new double[groups];
        double widest = 0;
        double total = 0;
        double onMean = 0;
        for (int g = 0; g < groups; g++) {
            double lo = 0;
            double hi = 0;
            for (int x = 0; x < 16; x++) {
                double s = 0;
                for (int t = 0; t < 4; t++) {
                    int i = 4 * g + t;
                    if ((x >>> t & 1) != 0 && i < dim) {
                        s += q[i];
                    }
                }
                sums[16 * g + x] = s;
                lo = Math.min(lo, s);
                hi = Math.max(hi, s);
            }
            least[g] = lo;
            widest = Math.max(widest, hi - lo);
        }
        for (int i = 0; i < dim; i++) {
            total += q[i];
            onMean += (double) q[i] * mean[i];
        }
        double step = widest > 0 ? widest / levels : 1;
        byte[] table = new byte[groups * 16];
        double base = 0;
        for (int g = 0; g < groups; g++) {
            base += least[g];
            for (int x = 0; x < 16; x++) {
                table[16 * g + x] = (byte) Math.min(levels, Math.round((sums[16 * g + x] - least[g]) / step));
            }
        }
        // estimate = q·m + f·(2·above − Σq), above = base + step·(table sum)
        return new Query(table, (float) onMean, (float) (2 * base - total), (float) (2 * step));
    }

    /**
     * A query as {@link #estimates} takes it: a row's estimate is {@code onMean + f·(offset + scale·s)},
     * with {@code s} the sum of the table entries its code's nibbles select.
     *
     * @param table  the tables, {@code 16} bytes per four dimensions
     * @param onMean the query's dot product with the mean
     */
    record Query(byte[] table, float onMean, float offset, float scale) {}

    /**
     * These codes laid out again with entry {@code j} holding row {@code order[j]}'s (a row may appear more
     * than once), so that a pass in that order reads them in sequence: an index lays them out in product
     * order, where a catalogue's rows (photos in id order) would otherwise be read at random.
     */
    BinaryCodes inOrder(int[] order) {
        BinaryCodes b = new BinaryCodes(dim, order.length, mean);
        for (int e = 0; e < order.length; e++) {
            int r = order[e];
            for (int j = 0; j < bytes; j++) {
                b.blocks[b.at(e, j)] = blocks[at(r, j)];
            }
            b.factor[e] = factor[r];
        }
        return b;
    }

    /**
     * The estimated scores of entries {@code from … to)} into {@code out} from {@code outAt}. Works on whole
     * blocks, so a range that starts or ends inside one costs the whole block.
     */
    void estimates(Query q, int from, int to, float[] out, int outAt) {
        if (from < 0 || to > entries || from > to) {
            throw new IndexOutOfBoundsException("entries " + from + " to " + to + " of " + entries);
        }
        short[] sums = new short[BATCH_BLOCKS * BLOCK];
        float onMean = q.onMean;
        float offset = q.offset;
        float scale = q.scale;
        for (int b = from / BLOCK, last = (to + BLOCK - 1) / BLOCK; b < last; b += BATCH_BLOCKS) {
            int end = Math.min(last, b + BATCH_BLOCKS);
            sums(q.table, b, end, sums);
            int first = b * BLOCK;
            for (int e = Math.max(from, first), stop = Math.min(to, end * BLOCK); e < stop; e++) {
                out[outAt + e - from] = onMean + factor[e] * (offset + scale * (sums[e - first] & 0xFFFF));
            }
        }
    }

    /** The table sums of blocks {@code from … to)}, entry by entry from {@code out[0]}. */
    void sums(byte[] table, int from, int to, short[] out) {
        if (Scan.SIMD) {
            VectorKernel.codeSums(blocks, bytes, table, from, to, out);
        } else {
            sumsScalar(table, from, to, out);
        }
    }

    /** {@link #sums} without SIMD: the same sums, entry by entry. */
    void sumsScalar(byte[] table, int from, int to, short[] out) {
        for (int b = from, o = 0; b < to; b++) {
            for (int i = 0; i < BLOCK; i++, o++) {
                int lane = lane(i);
                int s = 0;
                for (int j = 0, at = b * bytes * BLOCK + lane; j < bytes; j++, at += BLOCK) {
                    int c = blocks[at];
                    s += table[32 * j + (c & 15)] + table[32 * j + 16 + (c >>> 4 & 15)];
                }
                out[o] = (short) s;
            }
        }
    }

    private static void run(int chunks, java.util.function.IntConsumer work) {
        if (chunks == 1) {
            work.accept(0);
        } else {
            IntStream.range(0, chunks).parallel().forEach(work);
        }
    }
}
