package dev.lookalike.embed.weights;

import dev.lookalike.embed.weights.SafetensorsWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.lookalike.embed.weights.ExpectedTensors.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SafetensorsFile} against the fixture, the faults the reference reader refuses, and a file past 2 GB. */
class SafetensorsFileTest {

    private static final String TENSOR = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";

    @TempDir
    Path tmp;

    @Test
    void readsEveryTensorOfTheFixture() throws Exception {
        try (Weights w = Weights.open(DIR.resolve("state.safetensors"))) {
            assertTrue(w instanceof SafetensorsFile);
            ExpectedTensors.checkAll(w);
            assertNull(w.find("visual.proj"));
            WeightsException e = assertThrows(WeightsException.class, () -> w.float32("visual.proj"));
            assertTrue(e.getMessage().contains("visual.proj") && e.getMessage().contains("state.safetensors"), e.getMessage());
        }
    }

    @Test
    void acceptsAWellFormedFile() throws Exception {
        try (Weights w = Weights.open(file(TENSOR + "   ", new byte[16]))) {
            assertEquals(16, w.float32("w").remaining());
        }
    }

    @Test
    void aFileShorterThanTheLengthFieldIsRefused() throws Exception {
        Path f = tmp.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertRefused(f, "shorter than its header length");
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRefused() throws Exception {
        Path f = tmp.resolve("beyond.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(4096);
        Files.write(f, b.array());
        assertRefused(f, "truncated");
        assertRefused(lengthField(-1L), "out of range");
        assertRefused(lengthField(SafetensorsFile.MAX_HEADER_BYTES + 1), "out of range");
    }

    @Test
    void aTruncatedHeaderIsRefused() throws Exception {
        assertRefused(file(TENSOR.substring(0, 30), new byte[0]), "not JSON");
    }

    @Test
    void aHeaderNotBeginningWithABraceIsRefused() throws Exception {
        assertRefused(file(" " + TENSOR, new byte[16]), "does not begin with '{'");
    }

    @Test
    void anythingAfterTheHeaderObjectIsRefused() throws Exception {
        assertRefused(file(TENSOR + " {}", new byte[16]), "not JSON");
    }

    @Test
    void duplicateNamesAreRefused() throws Exception {
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRefused(file(h, new byte[8]), "Duplicate field 'w'");
    }

    @Test
    void offsetsOutOfRangeAreRefused() throws Exception {
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,32]}}", new byte[16]), "spans bytes");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[16]), "spans bytes");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", new byte[16]), "spans bytes");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", new byte[4]), "spans bytes");
    }

    @Test
    void offsetsOfTheWrongSizeAreRefused() throws Exception {
        WeightsException e = assertRefused(
                file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[12]), "needs 16 bytes");
        assertTrue(e.getMessage().contains("tensor w"), e.getMessage());
    }

    @Test
    void gapsOverlapsAndTrailingBytesAreRefused() throws Exception {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        assertRefused(file(gap, new byte[12]), "a gap");
        String overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRefused(file(overlap, new byte[8]), "overlap");
        assertRefused(file(TENSOR, new byte[20]), "bytes after the last tensor");
        // order in the header does not matter, only coverage
        String reversed = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        try (Weights w = Weights.open(file(reversed, new byte[8]))) {
            assertEquals(java.util.List.of("b", "a"), w.names());
        }
    }

    @Test
    void unknownDtypesAreRefused() throws Exception {
        WeightsException e = assertRefused(
                file("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]), "unsupported tensor type F8_E4M3");
        assertTrue(e.getMessage().contains("tensor w"), e.getMessage());
        assertRefused(file("{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "unsupported tensor type f32");
    }

    @Test
    void badShapesAndMetadataAreRefused() throws Exception {
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]), "bad shape");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "bad shape");
        assertRefused(file("{\"__metadata__\":{\"step\":3}," + TENSOR.substring(1), new byte[16]), "is not a string");
        assertRefused(file("{\"w\":{\"dtype\":\"F32\"}}", new byte[0]), "lacks dtype, shape or data_offsets");
    }

    @Test
    void integerTensorsAreNotWeights() throws Exception {
        try (Weights w = Weights.open(DIR.resolve("state.safetensors"))) {
            WeightsException e = assertThrows(WeightsException.class, () -> w.float32("position_ids"));
            assertTrue(e.getMessage().contains("position_ids") && e.getMessage().contains("I64"), e.getMessage());
        }
    }

    /**
     * A file past 2 GB (sparse: the 2.2 GB of zeros before the tensor are a hole) opens, and the tensor
     * after the 2 GB mark reads from its own bytes, without the rest of the file being read.
     */
    @Test
    void readsATensorPastTheTwoGigabyteMark() throws Exception {
        Path f = tmp.resolve("big.safetensors");
        long pad = 2_200_000_000L;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("pad", Tensor.zeros(DType.U8, new long[] {pad}));
        tensors.put("late", Tensor.f32(new long[] {2, 2}, 1.5f, -2f, 3.25f, 1e-3f));
        SafetensorsWriter.write(f, tensors);
        assertTrue(Files.size(f) > pad);
        try (Weights w = Weights.open(f)) {
            ByteBuffer b = w.float32("late");
            assertEquals(16, b.remaining());
            assertEquals(1.5f, b.getFloat(b.position()));
            assertEquals(1e-3f, b.getFloat(b.position() + 12));
            assertEquals(new TensorInfo("pad", DType.U8, new long[] {pad}), w.find("pad"));
        }
    }

    /** The 2 GB file the brief describes, written by hand: header, then the tensor bytes past the hole. */
    @Test
    void readsAHandWrittenSparseFile() throws Exception {
        Path f = tmp.resolve("hand.safetensors");
        long pad = (1L << 31) + 64;
        String header = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + pad + "],\"data_offsets\":[0," + pad + "]},"
                + "\"late\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[" + pad + "," + (pad + 4) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, h.length);
            ch.write(len);
            ch.write(ByteBuffer.wrap(h));
            ch.position(8 + h.length + pad);
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0x3c00).putShort(2, (short) 0xc000));
        }
        try (Weights w = Weights.open(f)) {
            ByteBuffer b = w.float32("late");
            assertEquals(1f, b.getFloat(b.position()));
            assertEquals(-2f, b.getFloat(b.position() + 4));
        }
    }

    private Path lengthField(long n) throws IOException {
        Path f = Files.createTempFile(tmp, "len", ".safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
        return f;
    }

    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = Files.createTempFile(tmp, "t", ".safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(f, b.array());
        return f;
    }

    private static WeightsException assertRefused(Path f, String says) {
        WeightsException e = assertThrows(WeightsException.class, () -> Weights.open(f).close());
        assertTrue(e.getMessage().contains(says), "expected \"" + says + "\" in: " + e.getMessage());
        assertTrue(e.getMessage().contains(f.getFileName().toString()), "names the file: " + e.getMessage());
        return e;
    }
}
