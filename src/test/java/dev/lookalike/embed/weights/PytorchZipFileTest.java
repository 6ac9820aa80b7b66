package dev.lookalike.embed.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static dev.lookalike.embed.weights.ExpectedTensors.DIR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PytorchZipFile} against files torch.save wrote (tools/make_weight_fixtures.py) and crafted faults. */
class PytorchZipFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsEveryTensorTorchSaved() throws Exception {
        try (Weights w = Weights.open(DIR.resolve("state.bin"))) {
            assertTrue(w instanceof PytorchZipFile);
            ExpectedTensors.checkAll(w);
        }
    }

    @Test
    void readsProtocol4() throws Exception {
        // torch.save(..., pickle_protocol=4): FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL
        try (Weights w = Weights.open(DIR.resolve("state_p4.bin"))) {
            ExpectedTensors.checkAll(w);
        }
    }

    @Test
    void readsLongMemoIndicesAndWideIntegers() throws Exception {
        // many.bin: memo past 256 (LONG_BINPUT/LONG_BINGET), sizes 1000, 70000 and 3e9 (BININT2, BININT, LONG1)
        try (Weights w = Weights.open(DIR.resolve("many.bin"))) {
            assertEquals(45, w.names().size());
            for (int i = 0; i < 40; i++) {
                assertArrayEquals(new float[] {i, i}, floats(w.float32("layer." + i + ".weight")));
            }
            assertEquals(DType.F16, w.find("late.1.half").dtype());
            assertArrayEquals(new float[] {1.5f, 1.5f}, floats(w.float32("late.1.half")));
            assertArrayEquals(new long[] {0, 1000}, w.find("empty.mid").shape());
            assertArrayEquals(new long[] {0, 70000}, w.find("empty.wide").shape());
            assertArrayEquals(new long[] {0, 3_000_000_000L}, w.find("empty.huge").shape());
            assertEquals(0, w.float32("empty.huge").remaining());
        }
    }

    @Test
    void stridedViewsComeOutRowMajor() throws Exception {
        try (Weights w = Weights.open(DIR.resolve("state.bin"))) {
            // transposed is randn(4, 3).t(): element [i][j] is the storage's [j][i]
            assertArrayEquals(new long[] {3, 4}, w.find("transposed").shape());
            ByteBuffer t = w.float32("transposed");
            float[] flat = floats(t);
            assertEquals(12, flat.length);
            // shared.a = base[2:6], shared.b = base[4:10].view(2, 3), shared.step = base[1::3]: one storage
            float[] a = floats(w.float32("shared.a"));
            float[] b = floats(w.float32("shared.b"));
            float[] step = floats(w.float32("shared.step"));
            assertEquals(a[2], b[0]);
            assertEquals(a[3], b[1]);
            assertEquals(step[1], b[0]); // base[4]
            assertEquals(step[2], b[3]); // base[7]
        }
    }

    @Test
    void int64BuffersAreListedButNotWeights() throws Exception {
        try (Weights w = Weights.open(DIR.resolve("state.bin"))) {
            assertEquals(new TensorInfo("position_ids", DType.I64, new long[] {1, 7}), w.find("position_ids"));
            WeightsException e = assertThrows(WeightsException.class, () -> w.float32("position_ids"));
            assertTrue(e.getMessage().contains("position_ids") && e.getMessage().contains("I64"), e.getMessage());
        }
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        try (Weights w = Weights.open(DIR.resolve("state.bin"))) {
            assertNull(w.find("visual.proj"));
            WeightsException e = assertThrows(WeightsException.class, () -> w.float32("visual.proj"));
            assertTrue(e.getMessage().contains("visual.proj") && e.getMessage().contains("state.bin"), e.getMessage());
        }
    }

    @Test
    void refusesAForbiddenGlobalWithoutRunningIt() throws Exception {
        Path marker = Path.of("/tmp/lookalike-weights-pwned");
        Files.deleteIfExists(marker);
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(DIR.resolve("forbidden_global.bin")));
        assertTrue(e.getMessage().contains("posix.system") && e.getMessage().contains("forbidden_global.bin"), e.getMessage());
        assertFalse(Files.exists(marker), "nothing ran");
    }

    @Test
    void refusesAForbiddenGlobalInsideAStateDict() throws Exception {
        // {'a': builtins.eval('1')}: PROTO 2, EMPTY_DICT, BINUNICODE 'a', GLOBAL, SHORT_BINSTRING '1', TUPLE1, REDUCE, SETITEM, STOP
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}', 'X', 1, 0, 0, 0, 'a'});
        p.write("cbuiltins\neval\n".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {'U', 1, '1', (byte) 0x85, 'R', 's', '.'});
        Path file = zip("evil.pt", "archive", Map.of("data.pkl", p.toByteArray(), "version", "3\n".getBytes()));
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(file));
        assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
    }

    @Test
    void refusesAStackGlobalToo() throws Exception {
        // protocol 4: SHORT_BINUNICODE 'os', SHORT_BINUNICODE 'system', STACK_GLOBAL
        byte[] p = {(byte) 0x80, 4, (byte) 0x8c, 2, 'o', 's', (byte) 0x8c, 6, 's', 'y', 's', 't', 'e', 'm', (byte) 0x93, '.'};
        Path file = zip("stack.bin", "archive", Map.of("data.pkl", p, "version", "3\n".getBytes()));
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(file));
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
    }

    @Test
    void aMissingStorageNamesItsTensor() {
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(DIR.resolve("missing_storage.bin")));
        assertTrue(e.getMessage().contains("half.weight") && e.getMessage().contains("state/data/1")
                && e.getMessage().contains("missing_storage.bin"), e.getMessage());
    }

    @Test
    void refusesTheLegacyFormat() {
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(DIR.resolve("legacy.bin")));
        assertTrue(e.getMessage().contains("legacy") && e.getMessage().contains(".safetensors")
                && e.getMessage().contains("legacy.bin"), e.getMessage());
    }

    @Test
    void refusesAFileThatIsNotAZip() throws Exception {
        Path file = tmp.resolve("model.bin");
        Files.writeString(file, "<html>Not Found</html>");
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(file));
        assertTrue(e.getMessage().contains("not a PyTorch zip checkpoint"), e.getMessage());
    }

    @Test
    void takesTheArchiveFolderFromTheFirstEntryAndHonoursByteorder() throws Exception {
        // torch ≥ 2 names the folder "archive" and writes a byteorder record; copy state.bin that way
        Map<String, byte[]> entries = entries(DIR.resolve("state.bin"), "state/");
        entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        try (Weights w = Weights.open(zip("pytorch_model.bin", "archive", entries))) {
            ExpectedTensors.checkAll(w);
        }
        entries.put("byteorder", "middle".getBytes(StandardCharsets.US_ASCII));
        Path odd = zip("odd.bin", "archive", entries);
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(odd));
        assertTrue(e.getMessage().contains("middle"), e.getMessage());
    }

    @Test
    void aTensorReachingPastItsStorageIsRefused() throws Exception {
        // {'w': _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 2), 1, (2,), (1,), False, OrderedDict())}
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}'});
        unicode(p, "w");
        p.write("ctorch._utils\n_rebuild_tensor_v2\n((".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "storage");
        p.write("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "0");
        unicode(p, "cpu");
        p.write(new byte[] {'K', 2, 't', 'Q', 'K', 1, 'K', 2, (byte) 0x85, 'K', 1, (byte) 0x85, (byte) 0x89});
        p.write("ccollections\nOrderedDict\n)RtRs.".getBytes(StandardCharsets.US_ASCII));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", p.toByteArray());
        entries.put("data/0", new byte[8]);
        entries.put("version", "3\n".getBytes());
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(zip("short.bin", "archive", entries)));
        assertTrue(e.getMessage().contains("tensor w") && e.getMessage().contains("reaches past"), e.getMessage());
        // the same pickle at offset 0 fits its storage and reads
        byte[] fits = p.toByteArray();
        fits[indexOf(fits, new byte[] {'Q', 'K', 1}) + 2] = 0;
        entries.put("data.pkl", fits);
        try (Weights w = Weights.open(zip("fits.bin", "archive", entries))) {
            assertEquals(8, w.float32("w").remaining());
        }
    }

    private static void unicode(ByteArrayOutputStream p, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(new byte[] {'X', (byte) b.length, 0, 0, 0});
        p.write(b);
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    /**
     * torch.save writes zip64 past 4 GB. A hand-made zip64 archive (sparse: a hole before the
     * storages) puts state.bin's storages past the 4 GB mark, where only zip64's extra fields can
     * point, and ends with the zip64 end-of-central-directory records.
     */
    @Test
    void readsStoragesPastFourGigabytesInAZip64Archive() throws Exception {
        Map<String, byte[]> entries = entries(DIR.resolve("state.bin"), "");
        Path file = tmp.resolve("big.bin");
        long far = (1L << 32) + 4096;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteArrayOutputStream cen = new ByteArrayOutputStream();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (e.getKey().contains("/data/") && ch.position() < far) {
                    ch.position(far); // the hole
                }
                long offset = ch.position();
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] data = e.getValue();
                CRC32 crc = new CRC32();
                crc.update(data);
                ByteBuffer loc = le(30 + name.length).putInt(0x04034b50).putShort((short) 45).putShort((short) 0)
                        .putShort((short) 0).putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt(data.length)
                        .putShort((short) name.length).putShort((short) 0).put(name);
                write(ch, loc.flip());
                write(ch, ByteBuffer.wrap(data));
                boolean zip64 = offset > 0xffffffffL;
                ByteBuffer c = le(46 + name.length + (zip64 ? 12 : 0)).putInt(0x02014b50).putShort((short) 45)
                        .putShort((short) 45).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) crc.getValue())
                        .putInt(data.length).putInt(data.length).putShort((short) name.length)
                        .putShort((short) (zip64 ? 12 : 0)).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                        .putInt(0).putInt(zip64 ? 0xffffffff : (int) offset).put(name);
                if (zip64) {
                    c.putShort((short) 1).putShort((short) 8).putLong(offset); // zip64 extra: the header's offset
                }
                cen.write(c.array());
            }
            long cenOffset = ch.position();
            write(ch, ByteBuffer.wrap(cen.toByteArray()));
            long end64 = ch.position();
            int n = entries.size();
            write(ch, le(56).putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(n).putLong(n).putLong(cen.size()).putLong(cenOffset).flip());
            write(ch, le(20).putInt(0x07064b50).putInt(0).putLong(end64).putInt(1).flip());
            write(ch, le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) n)
                    .putShort((short) n).putInt(cen.size()).putInt(0xffffffff).putShort((short) 0).flip());
        }
        assertTrue(Files.size(file) > far);
        try (Weights w = Weights.open(file)) {
            ExpectedTensors.checkAll(w);
        }
    }

    /** A zip's entries in its order, names without {@code strip}. */
    private static Map<String, byte[]> entries(Path zip, String strip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> it = z.entries(); it.hasMoreElements(); ) {
                ZipEntry e = it.nextElement();
                entries.put(e.getName().substring(strip.length()), z.getInputStream(e).readAllBytes());
            }
        }
        return entries;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static float[] floats(ByteBuffer b) {
        float[] f = new float[b.remaining() / 4];
        b.slice().order(b.order()).asFloatBuffer().get(f);
        return f;
    }

    /** A zip laid out as torch.save lays one out: entries stored, under one folder. */
    private Path zip(String name, String folder, Map<String, byte[]> entries) throws IOException {
        Path file = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(folder + "/" + e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                z.putNextEntry(entry);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }
}
