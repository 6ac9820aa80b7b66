package dev.lookalike.embed.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes {@code .safetensors} files for tests, as the format specifies (huggingface/safetensors'
 * README): u64 little-endian header length, a JSON header padded with spaces to a multiple of 8
 * (as the reference writer pads it), then the tensors back to back in the map's order, covering the
 * byte buffer without gaps. Values are streamed, so full-size random checkpoints need no more
 * memory than a buffer; {@link Tensor#zeros} tensors are left as holes in a sparse file.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 20;

    private SafetensorsWriter() {
    }

    /** The value of element {@code index} (row-major) of a tensor; a pure function, called once per element in order. */
    @FunctionalInterface
    public interface Values {
        float at(long index);
    }

    /** One tensor to write: its type, shape and where its bytes come from. */
    public static final class Tensor {
        private final DType dtype;
        private final long[] shape;
        private final Values values;
        private final ByteBuffer bytes;

        private Tensor(DType dtype, long[] shape, Values values, ByteBuffer bytes) {
            this.dtype = dtype;
            this.shape = shape.clone();
            this.values = values;
            this.bytes = bytes;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
            }
        }

        /** float32 values, row-major. */
        public static Tensor f32(long[] shape, float... values) {
            return ofArray(DType.F32, shape, values);
        }

        /** float16 rounded from these values (to nearest, ties to even, as torch's {@code .half()} rounds). */
        public static Tensor f16(long[] shape, float... values) {
            return ofArray(DType.F16, shape, values);
        }

        /** F32 or F16 values from a function of the element index. */
        public static Tensor of(DType dtype, long[] shape, Values values) {
            if (dtype != DType.F32 && dtype != DType.F16) {
                throw new IllegalArgumentException("values can be written as F32 or F16, not " + dtype + "; use raw()");
            }
            return new Tensor(dtype, shape, values, null);
        }

        /**
         * Uniform random F32 or F16 values within ±scale, a pure function of (seed, index): the same
         * seed gives the same tensor, whatever else is written.
         */
        public static Tensor random(DType dtype, long[] shape, long seed, float scale) {
            return of(dtype, shape, i -> (float) ((uniform(seed, i) * 2 - 1) * scale));
        }

        /** Bytes as the file stores them (little-endian elements of {@code dtype}), for any type. */
        public static Tensor raw(DType dtype, long[] shape, ByteBuffer littleEndianBytes) {
            Tensor t = new Tensor(dtype, shape, null, littleEndianBytes.slice());
            if (t.bytes.remaining() != t.byteSize()) {
                throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " needs " + t.byteSize()
                        + " bytes, got " + t.bytes.remaining());
            }
            return t;
        }

        /** All zeros, left unwritten: the file gets a hole there (a sparse file where the file system allows). */
        public static Tensor zeros(DType dtype, long[] shape) {
            return new Tensor(dtype, shape, null, null);
        }

        private static Tensor ofArray(DType dtype, long[] shape, float[] values) {
            Tensor t = of(dtype, shape, i -> values[(int) i]);
            if (t.elements() != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + t.elements()
                        + " values, got " + values.length);
            }
            return t;
        }

        public DType dtype() {
            return dtype;
        }

        public long[] shape() {
            return shape.clone();
        }

        public long elements() {
            return new TensorInfo("", dtype, shape).elements();
        }

        public long byteSize() {
            return Math.multiplyExact(elements(), dtype.bytes());
        }
    }

    /** Writes {@code tensors} with {@code {"format": "pt"}} as metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of("format", "pt"));
    }

    /** Writes {@code tensors} (in the map's order) and {@code metadata} (null for none) to {@code file}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", t.dtype().name());
            var shape = info.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + t.byteSize());
            offset += t.byteSize();
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                if (t.bytes != null) {
                    writeFully(ch, t.bytes.duplicate());
                } else if (t.values == null) {
                    ch.position(ch.position() + t.byteSize()); // a hole
                } else {
                    long n = t.elements();
                    for (long i = 0; i < n; i++) {
                        float v = t.values.at(i);
                        if (t.dtype == DType.F32) {
                            buf.putFloat(v);
                        } else {
                            buf.putShort(floatToHalf(v));
                        }
                        if (!buf.hasRemaining()) {
                            writeFully(ch, buf.flip());
                            buf.clear();
                        }
                    }
                    writeFully(ch, buf.flip());
                    buf.clear();
                }
            }
            long end = 8L + padded + offset;
            if (ch.size() < end) {
                // a trailing hole: the file must still be as long as its header says
                ch.write(ByteBuffer.wrap(new byte[1]), end - 1);
            }
        }
    }

    /** float to IEEE 754 binary16, rounding to nearest with ties to even; overflow gives infinity. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // under half the smallest subnormal
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++; // may carry into the smallest normal, which is right
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, up to infinity, which is right
        }
        return (short) (sign | half);
    }

    /** SplitMix64 of (seed, index), as a double in [0, 1). */
    private static double uniform(long seed, long index) {
        long z = seed * 0xD1342543DE82EF95L + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static String headerText(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            ByteBuffer h = ByteBuffer.allocate((int) len.getLong(0));
            ch.read(h, 8);
            return new String(h.array(), StandardCharsets.UTF_8);
        }
    }
}
