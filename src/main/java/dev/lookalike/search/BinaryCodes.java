package dev.lookalike.search;

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
        int n = rows.rows();
        int chunks = n >= PARALLEL_ROWS ? Runtime.getRuntime().availableProcessors() * 4 : 1;
        int step = (n + chunks - 1) / chunks;
        double[][] sums = new double[chunks][];
        run(chunks, c -> {
            double[] s = new double[dim];
            float[] v = new float[dim];
            for (int r = Math.min(n, c * step), end = Math.min(n, (c + 1) * step); r < end; r++) {
                rows.decode(r, v);
                for (int i = 0; i < dim; i++) {
                    s[i] += v[i];
                }
            }
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
        run(chunks, c -> {
            float[] v = new float[dim];
            for (int r = Math.min(n, c * step), end = Math.min(n, (c + 1) * step); r < end; r++) {
                rows.decode(r, v);
                b.set(r, v);
            }
        });
        return b;
    }

    /** The codes of every float32 row (two reads of them: the mean, then the codes). */
    static BinaryCodes of(FloatRows rows) {
        int dim = rows.dim();
        int n = rows.rows();
        int chunks = n >= PARALLEL_ROWS ? Runtime.getRuntime().availableProcessors() * 4 : 1;
        int step = (n + chunks - 1) / chunks;
        double[][] sums = new double[chunks][];
        run(chunks, c -> {
            double[] s = new double[dim];
            forEachBlock(rows, Math.min(n, c * step), Math.min(n, (c + 1) * step), (first, block, count) -> {
                for (int r = 0; r < count; r++) {
                    for (int i = 0, at = r * dim; i < dim; i++) {
                        s[i] += block[at + i];
                    }
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
        run(chunks, c -> {
            float[] v = new float[dim];
            forEachBlock(rows, Math.min(n, c * step), Math.min(n, (c + 1) * step), (first, block, count) -> {
                for (int i = 0; i < count; i++) {
                    System.arraycopy(block, i * dim, v, 0, dim);
                    b.set(first + i, v);
                }
            });
        });
        return b;
    }

    private static void forEachBlock(FloatRows rows, int from, int to, VectorFile.RowSink sink) {
        float[] m = rows.heapMatrix();
        if (m == null) {
            ((VectorFile.Rows) rows).forEachBlock(from, to, sink);
            return;
        }
        int dim = rows.dim();
        int per = Math.max(1, (1 << 18) / Math.max(dim, 1));
        float[] block = new float[per * dim];
        for (int first = from; first < to; first += per) {
            int count = Math.min(per, to - first);
            System.arraycopy(m, first * dim, block, 0, count * dim);
            sink.rows(first, block, count);
        }
    }

    private void set(int row, float[] v) {
        double squares = 0;
        double lengths = 0;
        int count = 0;
        int base = row * words;
        for (int i = 0; i < dim; i++) {
            double x = (double) v[i] - mean[i];
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

    /** Bytes held, for the logs and the bench. */
    long bytes() {
        return 8L * codes.length + 6L * rows + 4L * dim;
    }

    /** A query made ready for {@link #estimate}: its bit planes and what they stand for. */
    Query query(float[] q) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        double onMean = 0;
        for (int i = 0; i < dim; i++) {
            lo = Math.min(lo, q[i]);
            hi = Math.max(hi, q[i]);
            onMean += (double) q[i] * mean[i];
        }
        int levels = (1 << QUERY_BITS) - 1;
        float delta = hi > lo ? (hi - lo) / levels : 0;
        long[] planes = new long[QUERY_BITS * words];
        long total = 0;
        for (int i = 0; i < dim; i++) {
            int u = delta == 0 ? 0 : Math.min(levels, Math.round((q[i] - lo) / delta));
            total += u;
            for (int b = 0; b < QUERY_BITS; b++) {
                if ((u >>> b & 1) != 0) {
                    planes[(i >>> 6) * QUERY_BITS + b] |= 1L << (i & 63);
                }
            }
        }
        float sum = (float) ((double) lo * dim + (double) delta * total);
        return new Query(planes, lo, delta, sum, (float) onMean);
    }

    /**
     * @param lo    the quantised query's smallest value
     * @param delta the step between its levels
     * @param sum   the sum of its values
     * @param onMean its dot product with the mean
     */
    record Query(long[] planes, float lo, float delta, float sum, float onMean) {}

    /** The estimated score of row {@code row}. */
    float estimate(Query q, int row) {
        long[] p = q.planes;
        int base = row * words;
        int weighted = 0;
        // the planes of word j lie together, so one row reads one stretch of the (L1-resident) query
        for (int j = 0, at = 0; j < words; j++, at += QUERY_BITS) {
            long c = codes[base + j];
            weighted += Long.bitCount(c & p[at]) + (Long.bitCount(c & p[at + 1]) << 1)
                    + (Long.bitCount(c & p[at + 2]) << 2) + (Long.bitCount(c & p[at + 3]) << 3);
        }
        // the sum of the query's values where the row is above the mean
        float above = q.lo * ones[row] + q.delta * weighted;
        return q.onMean + factor[row] * (2 * above - q.sum);
    }

    /** The {@code capacity} entries with the highest keys offered (ties in no set order), as a min-heap. */
    static final class Shortlist {
        private final int capacity;
        private float[] keys;
        private int[] values;
        private int size;

        Shortlist(int capacity) {
            this.capacity = capacity;
            int start = Math.min(capacity, 1024);
            keys = new float[start];
            values = new int[start];
        }

        void offer(float key, int value) {
            if (size < capacity) {
                if (size == keys.length) {
                    int grown = (int) Math.min(capacity, 2L * keys.length);
                    keys = java.util.Arrays.copyOf(keys, grown);
                    values = java.util.Arrays.copyOf(values, grown);
                }
                int at = size++;
                while (at > 0) {
                    int parent = (at - 1) >>> 1;
                    if (keys[parent] <= key) {
                        break;
                    }
                    keys[at] = keys[parent];
                    values[at] = values[parent];
                    at = parent;
                }
                keys[at] = key;
                values[at] = value;
            } else if (key > keys[0]) {
                int at = 0;
                while (true) {
                    int child = 2 * at + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && keys[child + 1] < keys[child]) {
                        child++;
                    }
                    if (keys[child] >= key) {
                        break;
                    }
                    keys[at] = keys[child];
                    values[at] = values[child];
                    at = child;
                }
                keys[at] = key;
                values[at] = value;
            }
        }

        /** Offers every entry of {@code other}. */
        void offerAll(Shortlist other) {
            for (int i = 0; i < other.size; i++) {
                offer(other.keys[i], other.values[i]);
            }
        }

        int size() {
            return size;
        }

        /** The kept values, in ascending order. */
        int[] sortedValues() {
            int[] out = java.util.Arrays.copyOf(values, size);
            java.util.Arrays.sort(out);
            return out;
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
