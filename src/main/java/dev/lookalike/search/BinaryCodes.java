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
 * tables, four dimensions at a time (the "fast scan" of product quantisation, André, Kermarrec and Le
 * Scouarnec, VLDB 2015, as Faiss' 4-bit fast-scan indexes do it, here over sign bits): for each four
 * dimensions a table of the 16 sums their bits can select, in byte steps, and each nibble of a code looks
 * up its entry. The codes lie transposed in blocks of {@link #BLOCK} entries, byte {@code j} of the block's
 * entries side by side, so one shuffle looks up a nibble of a whole block ({@link VectorKernel#codeSums}).
 * Against the 2-bit query planes and popcounts this replaced, the query's sums are rounded to 1/127 of its
 * widest four dimensions rather than to 3 levels over all of it, so one estimate does what a rough and a
 * finer one did, and at a million 512-d photos the pass reads the 64 MB of codes at close to the rate of
 * a plain sum over them.
 */
final class BinaryCodes {

    /**
     * Entries in a block of the codes this JVM makes: as many as its widest vector register holds bytes
     * (64 with AVX-512, 32 with AVX2, 16 on ARM or without the Vector API), so one shuffle looks up a nibble
     * of each. Codes read from a start file written with another width are laid out again.
     */
    static final int BLOCK = Scan.SIMD ? VectorKernel.codeBlock() : 16;

    /** Blocks whose sums one call of the kernel works out before they become estimates (in L1). */
    private static final int BATCH_BLOCKS = 16;

    /** Below this many rows one thread makes the codes faster than several. */
    private static final int PARALLEL_ROWS = 1 << 15;

    private final int dim;
    private final int entries;
    /** Bytes of one entry's code: a bit per dimension. */
    private final int bytes;
    /** The table steps a dimension byte's two nibbles may add up to, at most: their sum over a code fits 16 bits. */
    private final int levels;
    private final float[] mean;
    /** Entries per block. */
    private final int block;
    /** The codes in blocks of {@link #block} entries: block {@code b}'s byte {@code j} of its entries at {@code (b·bytes + j)·block}. */
    private final byte[] blocks;
    private final float[] factor;

    private BinaryCodes(int dim, int entries, float[] mean, int block) {
        this.dim = dim;
        this.entries = entries;
        this.bytes = (dim + 7) >>> 3;
        this.levels = Math.min(127, 0xFFFF / Math.max(1, 2 * bytes));
        this.mean = mean;
        this.block = block;
        int blockCount = (entries + block - 1) / block;
        this.blocks = new byte[Math.multiplyExact(Math.multiplyExact(blockCount, block), bytes)];
        this.factor = new float[entries];
    }

    /**
     * Where in a block entry {@code i} of it lies: the kernel reads the sums of lanes {@code 2k} and
     * {@code 2k + 1} as one 16-bit lane and splits them into low and high bytes, so lane {@code 2k} holds
     * entry {@code k} and lane {@code 2k + 1} entry {@code k + 8}, and both halves come out in order.
     */
    private int lane(int i) {
        int half = block / 2;
        return i < half ? 2 * i : 2 * (i - half) + 1;
    }

    /** The index of byte {@code j} of entry {@code e}'s code in {@link #blocks}. */
    private int at(int e, int j) {
        return ((e / block) * bytes + j) * block + lane(e % block);
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
        BinaryCodes b = new BinaryCodes(dim, n, mean, BLOCK);
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

    /** Entries per block. */
    int block() {
        return block;
    }

    /** Writes the codes for {@link #readFrom} (the start file keeps them, so a warm start need not make them). */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(entries);
        out.writeByte(block);
        for (float m : mean) {
            out.writeFloat(m);
        }
        for (float f : factor) {
            out.writeFloat(f);
        }
        out.write(blocks);
    }

    /**
     * The codes {@link #writeTo} wrote, of {@code dim}, at most {@code most} entries, laid out again when
     * they were written in blocks of another width than {@link #BLOCK}.
     *
     * @throws IllegalArgumentException when the entry count is negative or above {@code most}, or the block
     *                                  width not one of 16, 32 and 64
     */
    static BinaryCodes readFrom(DataInputStream in, int dim, int most) throws IOException {
        int entries = in.readInt();
        if (entries < 0 || entries > most) {
            throw new IllegalArgumentException(entries + " entries of codes, at most " + most + " expected");
        }
        int block = in.readByte();
        if (block != 16 && block != 32 && block != 64) {
            throw new IllegalArgumentException("codes in blocks of " + block + ", not 16, 32 or 64");
        }
        float[] mean = new float[dim];
        for (int i = 0; i < dim; i++) {
            mean[i] = in.readFloat();
        }
        BinaryCodes b = new BinaryCodes(dim, entries, mean, block);
        for (int e = 0; e < entries; e++) {
            b.factor[e] = in.readFloat();
        }
        in.readFully(b.blocks);
        return block == BLOCK ? b : b.inBlocksOf(BLOCK);
    }

    /** Bytes held, for the logs and the bench. */
    long bytes() {
        return blocks.length + 4L * entries + 4L * dim;
    }

    /**
     * A query made ready for {@link #estimates}: for each four dimensions (a code's nibble) a table of the
     * 16 sums of the query's values its bits select, less the smallest of them, in steps of {@code step}
     * rounded to the nearest; the tables of byte {@code j}'s low and high nibble at {@code 2j·block} and
     * {@code (2j + 1)·block}, each padded to a register's width.
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
        // each table on its own stretch of `block` bytes, so the kernel loads it as one aligned register
        byte[] table = new byte[groups * block];
        double base = 0;
        for (int g = 0; g < groups; g++) {
            base += least[g];
            for (int x = 0; x < 16; x++) {
                table[block * g + x] = (byte) Math.min(levels, Math.round((sums[16 * g + x] - least[g]) / step));
            }
        }
        // estimate = q·m + f·(2·above − Σq), above = base + step·(table sum)
        return new Query(table, (float) onMean, (float) (2 * base - total), (float) (2 * step));
    }

    /**
     * A query as {@link #estimates} takes it: a row's estimate is {@code onMean + f·(offset + scale·s)},
     * with {@code s} the sum of the table entries its code's nibbles select.
     *
     * @param table  the tables, {@link #block} bytes (16 of them used) per four dimensions
     * @param onMean the query's dot product with the mean
     */
    record Query(byte[] table, float onMean, float offset, float scale) {}

    /**
     * These codes laid out again with entry {@code j} holding row {@code order[j]}'s (a row may appear more
     * than once), so that a pass in that order reads them in sequence: an index lays them out in product
     * order, where a catalogue's rows (photos in id order) would otherwise be read at random.
     */
    BinaryCodes inOrder(int[] order) {
        return inOrder(order, BLOCK);
    }

    /** These codes in blocks of {@code width} entries (for codes written on a machine of other registers). */
    BinaryCodes inBlocksOf(int width) {
        return inOrder(IntStream.range(0, entries).toArray(), width);
    }

    private BinaryCodes inOrder(int[] order, int width) {
        BinaryCodes b = new BinaryCodes(dim, order.length, mean, width);
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
        int last = (to + block - 1) / block;
        short[] sums = new short[Math.min(BATCH_BLOCKS, last - from / block) * block];
        float onMean = q.onMean;
        float offset = q.offset;
        float scale = q.scale;
        for (int b = from / block; b < last; b += BATCH_BLOCKS) {
            int end = Math.min(last, b + BATCH_BLOCKS);
            sums(q.table, b, end, sums);
            int first = b * block;
            for (int e = Math.max(from, first), stop = Math.min(to, end * block); e < stop; e++) {
                out[outAt + e - from] = onMean + factor[e] * (offset + scale * (sums[e - first] & 0xFFFF));
            }
        }
    }

    /** The table sums of blocks {@code from … to)}, entry by entry from {@code out[0]}. */
    void sums(byte[] table, int from, int to, short[] out) {
        if (Scan.SIMD && block == BLOCK) {
            VectorKernel.codeSums(blocks, bytes, table, from, to, out);
        } else {
            sumsScalar(table, from, to, out);
        }
    }

    /** {@link #sums} without SIMD: the same sums, entry by entry. */
    void sumsScalar(byte[] table, int from, int to, short[] out) {
        for (int b = from, o = 0; b < to; b++) {
            for (int i = 0; i < block; i++, o++) {
                int lane = lane(i);
                int s = 0;
                for (int j = 0, at = b * bytes * block + lane; j < bytes; j++, at += block) {
                    int c = blocks[at];
                    s += table[2 * j * block + (c & 15)] + table[(2 * j + 1) * block + (c >>> 4 & 15)];
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
