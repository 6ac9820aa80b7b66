package dev.lookalike.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The derived vector file: a collection's unit vectors as little-endian float32 rows, in the order of
 * {@code CatalogDb.forEachVector}, so that a server starts without reading every vector blob through
 * JDBC and re-scores candidates without holding every float on the heap. Never the source of truth: it
 * is written from the catalogue and thrown away when its stamp no longer matches the catalogue's (made
 * from the embeddings table's change token, {@code CatalogDb.changeTokens}) or its checksum fails.
 *
 * <p>Layout: 64 header bytes, then the rows. Header: the magic {@code LKVECS01}, dim and row count
 * (int32), the 32-byte stamp, the CRC-32C of dim, rows, stamp and every row byte (int32), zero padding.
 * Readers check the size, the magic, the shape, the stamp and the checksum (a server the checksum after it
 * is ready, {@link #openUnchecked}); a file failing any of them is rebuilt. A new file is written beside the target and renamed over it, so a reader never sees half
 * a file and a server still reading the old one keeps its (unlinked) copy.
 */
final class VectorFile {

    private static final byte[] MAGIC = "LKVECS01".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 64;
    static final int STAMP = 32;
    private static final int BLOCK_BYTES = 1 << 22;
    private static final Cleaner CLEANER = Cleaner.create();

    private VectorFile() {}

    /** Where the derived file of collection {@code collectionId} lives beside the catalogue. */
    static Path beside(Path catalogue, int collectionId) {
        return catalogue.toAbsolutePath().resolveSibling(catalogue.getFileName() + ".vectors-" + collectionId);
    }

    /**
     * Where it lives when the catalogue's folder cannot be written (a baked, read-only deployment): the
     * temp folder, named after the catalogue's absolute path.
     */
    static Path inTemp(Path catalogue, int collectionId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(catalogue.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return Path.of(System.getProperty("java.io.tmpdir"), "lookalike-vectors",
                    HexFormat.of().formatHex(h, 0, 8) + "-" + catalogue.getFileName() + ".vectors-" + collectionId);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Receives the rows of a file as it is read, a block at a time. */
    @FunctionalInterface
    interface RowSink {
        /** Rows {@code first} to {@code first + count − 1} are {@code floats[0 … count·dim)}. */
        void rows(int first, float[] floats, int count);
    }

    /** A file's shape as its header states it. */
    record Shape(int dim, int rows) {}

    /**
     * The shape of the file written for {@code stamp}, from its header and size alone (its rows are checked
     * by {@link #open} or {@link Rows#verify}).
     *
     * @return null when the file is missing, of another stamp, or not as long as its header says
     */
    static Shape shape(Path file, byte[] stamp) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = header(ch);
            if (head == null) {
                return null;
            }
            int dim = head.getInt(MAGIC.length);
            int rows = head.getInt(MAGIC.length + 4);
            byte[] fileStamp = new byte[STAMP];
            head.get(MAGIC.length + 8, fileStamp);
            return Arrays.equals(fileStamp, stamp) && ch.size() == HEADER + 4L * dim * rows ? new Shape(dim, rows) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The header, or null when the file is shorter than one or lacks the magic. */
    private static ByteBuffer header(FileChannel ch) throws IOException {
        if (ch.size() < HEADER) {
            return null;
        }
        ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, head, 0);
        head.flip();
        byte[] magic = new byte[MAGIC.length];
        head.get(0, magic);
        return Arrays.equals(magic, MAGIC) ? head : null;
    }

    /**
     * Opens a file written for {@code stamp} with {@code rows} rows of {@code dim}, handing every row to
     * {@code sink} while the checksum is worked out.
     *
     * @return the open rows, or null when the file is missing, of another stamp or shape, truncated or
     *     corrupt (then {@code sink} may have been given rows that must be discarded)
     */
    static Rows open(Path file, byte[] stamp, int dim, int rows, RowSink sink) {
        Rows opened = openUnchecked(file, stamp, dim, rows);
        if (opened == null) {
            return null;
        }
        if (!opened.verify(sink)) {
            closeQuietly(opened.ch);
            return null;
        }
        return opened;
    }

    /**
     * Opens a file written for {@code stamp} with {@code rows} rows of {@code dim}, checking its size, header
     * and stamp but not yet its rows: {@link Rows#verify} reads them all for the checksum, which a server does
     * after it is ready rather than before (two gigabytes at a million 512-d photos).
     *
     * @return the open rows, or null when the file is missing, of another stamp or shape, or truncated
     */
    static Rows openUnchecked(Path file, byte[] stamp, int dim, int rows) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            ByteBuffer head = ch.size() == HEADER + 4L * dim * rows ? header(ch) : null;
            if (head == null) {
                ch.close();
                return null;
            }
            head.position(MAGIC.length);
            int fileDim = head.getInt();
            int fileRows = head.getInt();
            byte[] fileStamp = new byte[STAMP];
            head.get(fileStamp);
            int crc = head.getInt();
            if (fileDim != dim || fileRows != rows || !Arrays.equals(fileStamp, stamp)) {
                ch.close();
                return null;
            }
            CRC32C sum = new CRC32C();
            sum.update(head.array(), MAGIC.length, 8 + STAMP);
            return new Rows(file, ch, dim, rows, sum, crc);
        } catch (IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    /**
     * Starts writing a new file for {@code target}, beside it.
     *
     * @throws IOException when the folder cannot be created or written
     */
    static Writer create(Path target, byte[] stamp, int dim, int rows) throws IOException {
        if (stamp.length != STAMP) {
            throw new IllegalArgumentException("a stamp is " + STAMP + " bytes, got " + stamp.length);
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName().toString(), ".tmp");
        try {
            // a temp file is private (0600); the vector file is as readable as the catalogue beside it
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // the platform's default permissions are all there is
        }
        return new Writer(target, tmp, stamp, dim, rows);
    }

    /** Writes rows in order; {@link #finish} renames the file into place and opens it. */
    static final class Writer implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final byte[] stamp;
        private final int dim;
        private final int rows;
        private final FileChannel ch;
        private final CRC32C sum = new CRC32C();
        private final ByteBuffer block;
        private int written;
        private boolean done;

        private Writer(Path target, Path tmp, byte[] stamp, int dim, int rows) throws IOException {
            this.target = target;
            this.tmp = tmp;
            this.stamp = stamp.clone();
            this.dim = dim;
            this.rows = rows;
            this.ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            int rowBytes = Math.max(4 * dim, 1);
            this.block = ByteBuffer.allocateDirect(Math.max(1, BLOCK_BYTES / rowBytes) * rowBytes)
                    .order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer head = header(0);
            sum.update(head.array(), MAGIC.length, 8 + STAMP);
            ch.position(HEADER);
        }

        /** Appends the next row ({@code dim} floats of {@code v} from {@code offset}). */
        void add(float[] v, int offset) throws IOException {
            if (written == rows) {
                throw new IllegalStateException("the file holds " + rows + " rows; one more was added");
            }
            if (block.remaining() < 4 * dim) {
                flush();
            }
            for (int i = 0; i < dim; i++) {
                block.putFloat(v[offset + i]);
            }
            written++;
        }

        private void flush() throws IOException {
            block.flip();
            ByteBuffer view = block.duplicate();
            sum.update(view);
            while (block.hasRemaining()) {
                ch.write(block);
            }
            block.clear();
        }

        private ByteBuffer header(int crc) {
            ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putInt(dim).putInt(rows).put(stamp).putInt(crc);
            head.position(HEADER);
            head.flip();
            return head;
        }

        /** Completes the file, renames it over the target and opens it for reading. */
        Rows finish() throws IOException {
            if (written != rows) {
                throw new IllegalStateException("the file should hold " + rows + " rows, " + written + " were added");
            }
            flush();
            ByteBuffer head = header((int) sum.getValue());
            long at = 0;
            while (head.hasRemaining()) {
                at += ch.write(head, at);
            }
            ch.force(true);
            ch.close();
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            return new Rows(target, FileChannel.open(target, StandardOpenOption.READ), dim, rows, null, 0);
        }

        /** Abandons an unfinished file. */
        @Override
        public void close() {
            if (!done) {
                closeQuietly(ch);
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a stray temp file is harmless: the next build makes a new one
                }
            }
        }
    }

    /** The rows of an open derived file, read with positional reads (which never move a shared position). */
    static final class Rows implements FloatRows {
        private final Path file;
        private final FileChannel ch;
        private final int dim;
        private final int rows;
        private final ThreadLocal<ByteBuffer> buffers;
        /** The checksum of the header part, while the rows are still to be checked; null once they are. */
        private CRC32C unchecked;
        private final int crc;
        private boolean failed;

        private Rows(Path file, FileChannel ch, int dim, int rows, CRC32C unchecked, int crc) {
            this.file = file;
            this.ch = ch;
            this.dim = dim;
            this.rows = rows;
            this.unchecked = unchecked;
            this.crc = crc;
            this.buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(4 * dim).order(ByteOrder.LITTLE_ENDIAN));
            // an index is dropped, not closed, when a reload replaces it; its file goes with it
            CLEANER.register(this, () -> closeQuietly(ch));
        }

        Path file() {
            return file;
        }

        /** Whether the rows are still to be checked against the header's checksum ({@link #openUnchecked}). */
        synchronized boolean unchecked() {
            return unchecked != null;
        }

        /** {@link #verify(RowSink)} handing the rows to no one. */
        boolean verify() {
            return verify(null);
        }

        /**
         * Reads every row for the checksum, handing them to {@code sink} (null: to no one) on the way.
         *
         * @return whether the rows match the header's checksum (true at once when they were checked already)
         */
        synchronized boolean verify(RowSink sink) {
            if (failed) {
                return false;
            }
            if (unchecked == null && sink == null) {
                return true;
            }
            CRC32C sum = unchecked;
            int rowBytes = 4 * dim;
            int perBlock = Math.max(1, BLOCK_BYTES / Math.max(rowBytes, 1));
            ByteBuffer block = ByteBuffer.allocateDirect(perBlock * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] floats = sink == null ? null : new float[perBlock * dim];
            try {
                for (int first = 0; first < rows; first += perBlock) {
                    int count = Math.min(perBlock, rows - first);
                    block.clear().limit(count * rowBytes);
                    readFully(ch, block, HEADER + (long) first * rowBytes);
                    block.flip();
                    if (sum != null) {
                        sum.update(block);
                        block.flip();
                    }
                    if (sink != null) {
                        block.asFloatBuffer().get(floats, 0, count * dim);
                        sink.rows(first, floats, count);
                    }
                }
            } catch (IOException e) {
                failed = true;
                return false;
            }
            if (sum != null && (int) sum.getValue() != crc) {
                failed = true;
                return false;
            }
            unchecked = null;
            return true;
        }

        @Override
        public int dim() {
            return dim;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public void read(int row, float[] into) {
            ByteBuffer b = buffers.get();
            b.clear();
            try {
                readFully(ch, b, HEADER + 4L * dim * row);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read row " + row + " of the vector file " + file, e);
            }
            b.flip();
            b.asFloatBuffer().get(into, 0, dim);
        }

        @Override
        public float[] heapMatrix() {
            return null;
        }

        /** Hands rows {@code from … to} to {@code sink}, reading the file a block at a time. */
        void forEachBlock(int from, int to, RowSink sink) {
            int rowBytes = 4 * dim;
            int perBlock = Math.max(1, (1 << 20) / rowBytes);
            ByteBuffer block = ByteBuffer.allocateDirect(perBlock * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] floats = new float[perBlock * dim];
            for (int first = from; first < to; first += perBlock) {
                int count = Math.min(perBlock, to - first);
                block.clear().limit(count * rowBytes);
                try {
                    readFully(ch, block, HEADER + (long) first * rowBytes);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the vector file " + file, e);
                }
                block.flip();
                block.asFloatBuffer().get(floats, 0, count * dim);
                sink.rows(first, floats, count);
            }
        }

        /** Scores every row in {@code from … to}, reading the file a block at a time. */
        void scores(float[] q, float[] out, int from, int to) {
            forEachBlock(from, to, (first, block, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = Scan.dot(q, block, i * dim, dim);
                }
            });
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + at);
            }
            at += n;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a read channel loses nothing
            }
        }
    }
}
