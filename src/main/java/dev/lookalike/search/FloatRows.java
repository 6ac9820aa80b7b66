package dev.lookalike.search;

/**
 * The float32 unit vectors of an index, row by row: on the heap for small indexes, in the derived
 * vector file ({@link VectorFile}) for large ones. Thread-safe.
 */
interface FloatRows {

    int dim();

    int rows();

    /** Copies row {@code row} into {@code into} (at least {@code dim} long). */
    void read(int row, float[] into);

    /** The row-major matrix when the rows are on the heap, else null. */
    float[] heapMatrix();

    /**
     * The dot product of {@code q} with row {@code row}, equal bit for bit to what {@link Scan#scores} gives
     * that row (both sum with {@link Scan#dot}).
     */
    default float dot(float[] q, int row, float[] scratch) {
        float[] m = heapMatrix();
        if (m != null) {
            return Scan.dot(q, m, row * dim(), dim());
        }
        read(row, scratch);
        return Scan.dot(q, scratch, 0, dim());
    }

    /** Rows held in one array. */
    record Heap(int dim, float[] matrix) implements FloatRows {
        @Override
        public int rows() {
            return dim == 0 ? 0 : matrix.length / dim;
        }

        @Override
        public void read(int row, float[] into) {
            System.arraycopy(matrix, row * dim, into, 0, dim);
        }

        @Override
        public float[] heapMatrix() {
            return matrix;
        }
    }
}
