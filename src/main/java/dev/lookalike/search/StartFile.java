package dev.lookalike.search;

import dev.lookalike.catalog.Product;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The derived start file beside the vector file ({@code ….vectors-<id>.start}): what an index holds besides
 * its vectors, as the last full load worked it out from the catalogue: the photo ids in row order, the
 * products, each product's photo rows in shop order, the binary codes of the first pass and the same-item groups. A server whose
 * catalogue has not changed since (the stamp is made from the change tokens of the products, product_images
 * and embeddings tables) reads it instead of a million product rows through JDBC, and is ready in seconds.
 * Like the vector file it is never the source of truth: a file of another stamp, version or checksum is
 * ignored and written again after the next full load.
 *
 * <p>Layout (big-endian, {@link DataOutputStream}): the magic {@code LKSTART2}, the 32-byte stamp, dim, photo
 * count, product count; the photo ids; the table of the products' shared strings (currency, brand, shop,
 * category); each product's id, URL, name, price (a flag byte, then the double), its four shared strings as
 * indexes into the table ({@code -1} for none) and its description; each product's row count, then its rows;
 * a flag byte for the binary codes (0 none, 1 made from the float32 rows, 2 from the int8 copy) and the codes
 * ({@link BinaryCodes#writeTo}); a flag byte for the same-item groups and each product's group number
 * ({@link SameItems}: written again once a server has worked them out, which takes half a minute at a million
 * products); the CRC-32C of every byte before it. A change to how any of these are worked out must change the
 * magic's version, so that older files are ignored. Strings are a length (−1 for null) and
 * UTF-8 bytes.
 */
final class StartFile {

    private static final byte[] MAGIC = "LKSTART2".getBytes(StandardCharsets.US_ASCII);
    private static final int BUFFER = 1 << 16;
    /** Longer strings are damage (a description of 16 MiB would only cost its catalogue the start file). */
    private static final int MAX_STRING = 1 << 24;

    private StartFile() {}

    /** Where the start file of the vector file {@code vectorFile} lives: beside it. */
    static Path of(Path vectorFile) {
        return vectorFile.resolveSibling(vectorFile.getFileName() + ".start");
    }

    /**
     * An index's contents without its vectors.
     *
     * @param codes          the first pass's codes, or null when the index had none
     * @param codesFromInt8  whether they were made from the int8 copy (an index without it makes them from the
     *                       float32 rows, which gives slightly different codes)
     * @param sameItems      the same-item groups, or null when they were not worked out yet
     */
    record Content(int dim, PhotoIds imageIds, Product[] products, int[][] productRows, BinaryCodes codes,
                   boolean codesFromInt8, SameItems sameItems) {

        /** Each row's products, ascending: the inverse of {@link #productRows}. */
        int[][] rowProducts() {
            int[] counts = new int[imageIds.size()];
            for (int[] rows : productRows) {
                for (int r : rows) {
                    counts[r]++;
                }
            }
            int[][] out = new int[imageIds.size()][];
            for (int r = 0; r < out.length; r++) {
                out[r] = new int[counts[r]];
            }
            Arrays.fill(counts, 0);
            for (int p = 0; p < productRows.length; p++) {
                for (int r : productRows[p]) {
                    out[r][counts[r]++] = p;
                }
            }
            return out;
        }
    }

    /**
     * Writes {@code content} for {@code stamp} to {@code target}: beside it first, then renamed over it, so a
     * reader never sees half a file.
     *
     * @throws IOException when the folder cannot be written
     */
    static void write(Path target, byte[] stamp, Content content) throws IOException {
        if (stamp.length != VectorFile.STAMP) {
            throw new IllegalArgumentException("a stamp is " + VectorFile.STAMP + " bytes, got " + stamp.length);
        }
        Path folder = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(folder, target.getFileName().toString(), ".tmp");
        try {
            try {
                // as readable as the vector file beside it
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // the platform's default permissions are all there is
            }
            CRC32C sum = new CRC32C();
            try (OutputStream file = Files.newOutputStream(tmp)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        new CheckedOutputStream(file, sum), BUFFER));
                writeContent(out, stamp, content);
                out.flush();
                new DataOutputStream(file).writeInt((int) sum.getValue());
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeContent(DataOutputStream out, byte[] stamp, Content c) throws IOException {
        out.write(MAGIC);
        out.write(stamp);
        out.writeInt(c.dim());
        out.writeInt(c.imageIds().size());
        out.writeInt(c.products().length);
        for (int r = 0; r < c.imageIds().size(); r++) {
            writeString(out, c.imageIds().get(r));
        }
        Map<String, Integer> shared = new HashMap<>();
        List<String> table = new ArrayList<>();
        for (Product p : c.products()) {
            for (String s : sharedStrings(p)) {
                if (s != null && shared.putIfAbsent(s, table.size()) == null) {
                    table.add(s);
                }
            }
        }
        out.writeInt(table.size());
        for (String s : table) {
            writeString(out, s);
        }
        for (Product p : c.products()) {
            writeString(out, p.id());
            writeString(out, p.url());
            writeString(out, p.name());
            out.writeBoolean(p.price() != null);
            if (p.price() != null) {
                out.writeDouble(p.price());
            }
            for (String s : sharedStrings(p)) {
                out.writeInt(s == null ? -1 : shared.get(s));
            }
            writeString(out, p.description());
        }
        for (int[] rows : c.productRows()) {
            out.writeInt(rows.length);
            for (int r : rows) {
                out.writeInt(r);
            }
        }
        out.writeByte(c.codes() == null ? 0 : c.codesFromInt8() ? 2 : 1);
        if (c.codes() != null) {
            c.codes().writeTo(out);
        }
        out.writeBoolean(c.sameItems() != null);
        if (c.sameItems() != null) {
            for (int g : c.sameItems().groupNumbers()) {
                out.writeInt(g);
            }
        }
    }

    private static String[] sharedStrings(Product p) {
        return new String[] {p.currency(), p.brand(), p.shop(), p.category()};
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * The contents written for {@code stamp}.
     *
     * @return null when the file is missing, of another stamp or version, truncated or corrupt
     */
    static Content read(Path file, byte[] stamp) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        CRC32C sum = new CRC32C();
        try (InputStream raw = Files.newInputStream(file)) {
            long size = Files.size(file);
            if (size < MAGIC.length + stamp.length + 4) {
                return null;
            }
            // the checksum over everything but its own four bytes, a buffer at a time
            InputStream body = new CheckedInputStream(new Limited(raw, size - 4), sum);
            DataInputStream in = new DataInputStream(new BufferedInputStream(body, BUFFER));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            byte[] fileStamp = new byte[stamp.length];
            in.readFully(fileStamp);
            if (!Arrays.equals(magic, MAGIC) || !Arrays.equals(fileStamp, stamp)) {
                return null;
            }
            Content c = readContent(in, size);
            if (in.read() >= 0) {
                return null; // more than was written
            }
            int expected = (int) sum.getValue();
            int crc = new DataInputStream(raw).readInt();
            return crc == expected ? c : null;
        } catch (EOFException | IllegalArgumentException | NegativeArraySizeException | IndexOutOfBoundsException
                 | NullPointerException e) {
            return null; // truncated, or numbers no writer wrote
        } catch (IOException e) {
            return null;
        }
    }

    private static Content readContent(DataInputStream in, long size) throws IOException {
        int dim = in.readInt();
        int rows = in.readInt();
        int productCount = in.readInt();
        // every photo id and product takes at least 4 bytes: larger counts are damage, not a huge catalogue
        if (dim < 0 || rows < 0 || productCount < 0 || 4L * rows + 4L * productCount > size) {
            throw new IllegalArgumentException("counts larger than the file");
        }
        String[] ids = new String[rows];
        for (int r = 0; r < rows; r++) {
            ids[r] = readString(in);
        }
        String[] table = new String[in.readInt()];
        for (int i = 0; i < table.length; i++) {
            table[i] = readString(in);
        }
        Product[] products = new Product[productCount];
        for (int p = 0; p < productCount; p++) {
            String id = readString(in);
            String url = readString(in);
            String name = readString(in);
            Double price = in.readBoolean() ? in.readDouble() : null;
            String currency = shared(table, in.readInt());
            String brand = shared(table, in.readInt());
            String shop = shared(table, in.readInt());
            String category = shared(table, in.readInt());
            products[p] = new Product(id, url, name, price, currency, brand, shop, readString(in), category);
        }
        int[][] productRows = new int[productCount][];
        for (int p = 0; p < productCount; p++) {
            int[] rs = new int[in.readInt()];
            for (int i = 0; i < rs.length; i++) {
                rs[i] = in.readInt();
                if (rs[i] < 0 || rs[i] >= rows) {
                    throw new IllegalArgumentException("row " + rs[i] + " of " + rows);
                }
            }
            productRows[p] = rs;
        }
        int codes = in.readByte();
        int entries = 0;
        for (int[] rs : productRows) {
            entries += rs.length;
        }
        // the codes are laid out in product order (BinaryCodes.inOrder): an entry per product photo
        BinaryCodes b = codes == 0 ? null : BinaryCodes.readFrom(in, dim, entries);
        SameItems same = null;
        if (in.readBoolean()) {
            int[] groups = new int[productCount];
            for (int p = 0; p < productCount; p++) {
                groups[p] = in.readInt();
            }
            same = SameItems.ofGroupNumbers(groups);
        }
        return new Content(dim, PhotoIds.of(ids), products, productRows, b, codes == 2, same);
    }

    /** The first {@code left} bytes of a stream. */
    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    private static String shared(String[] table, int i) {
        return i < 0 ? null : table[i];
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > MAX_STRING) {
            throw new IllegalArgumentException("a string of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
