package dev.lookalike.embed.weights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lookalike.embed.weights.SafetensorsWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SafetensorsWriter} writes what {@link SafetensorsFile} reads back, and rounds to float16 as torch does. */
class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsF32F16AndRawTensors() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.f32(new long[] {2, 3}, 1, -2, 3.5f, 0, -0f, 1e-30f));
        t.put("h", Tensor.f16(new long[] {3}, 0.5f, -1024f, 0.1f));
        t.put("scalar", Tensor.f32(new long[] {}, 4.6052f));
        t.put("empty", Tensor.f32(new long[] {0, 4}));
        ByteBuffer ids = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(1).putLong(2).flip();
        t.put("position_ids", Tensor.raw(DType.I64, new long[] {1, 3}, ids));
        Path f = tmp.resolve("model.safetensors");
        SafetensorsWriter.write(f, t);

        String header = SafetensorsWriter.headerText(f);
        assertEquals(0, header.length() % 8, "padded to 8 bytes");
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"}"), header);
        try (Weights w = Weights.open(f)) {
            assertEquals(List.of("w", "h", "scalar", "empty", "position_ids"), w.names());
            assertArrayEquals(new float[] {1, -2, 3.5f, 0, -0f, 1e-30f}, floats(w.float32("w")));
            assertArrayEquals(new float[] {0.5f, -1024f, 0.0999755859375f}, floats(w.float32("h")));
            assertArrayEquals(new float[] {4.6052f}, floats(w.float32("scalar")));
            assertEquals(0, w.float32("empty").remaining());
            assertEquals(new TensorInfo("position_ids", DType.I64, new long[] {1, 3}), w.find("position_ids"));
        }
    }

    @Test
    void randomTensorsAreDeterministicAndStreamed() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.random(DType.F32, new long[] {300, 1000}, 1, 0.02f)); // over one write chunk
        t.put("b", Tensor.random(DType.F16, new long[] {1000}, 2, 0.02f));
        Path one = tmp.resolve("one.safetensors");
        Path two = tmp.resolve("two.safetensors");
        SafetensorsWriter.write(one, t);
        SafetensorsWriter.write(two, t);
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
        try (Weights w = Weights.open(one)) {
            float[] a = floats(w.float32("a"));
            assertEquals(300_000, a.length);
            double sum = 0;
            for (float v : a) {
                assertTrue(v >= -0.02f && v <= 0.02f);
                sum += v;
            }
            assertTrue(Math.abs(sum / a.length) < 1e-3, "centred");
            assertNotEquals(a[0], a[1]);
            assertEquals(1000, w.float32("b").remaining() / 4);
        }
    }

    /** float16 rounding against the pairs torch computed (ties, subnormals, overflow: make_weight_fixtures.py). */
    @Test
    void roundsToFloat16AsTorchDoes() {
        JsonNode r = ExpectedTensors.JSON.path("f16_rounding");
        assertTrue(r.path("float32").size() > 100);
        for (int i = 0; i < r.path("float32").size(); i++) {
            float x = (float) r.path("float32").get(i).asDouble();
            int bits = r.path("float16_bits").get(i).asInt();
            assertEquals(bits, SafetensorsWriter.floatToHalf(x) & 0xffff, "float16 of " + x);
        }
    }

    /** Every finite and infinite half survives float32 and back; NaNs stay NaN. */
    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Float32.halfToFloat((short) h);
            int back = SafetensorsWriter.floatToHalf(f) & 0xffff;
            if (Float.isNaN(f)) {
                assertTrue((back & 0x7c00) == 0x7c00 && (back & 0x3ff) != 0, Integer.toHexString(h));
            } else {
                assertEquals(h, back, Integer.toHexString(h));
            }
        }
    }

    private static float[] floats(ByteBuffer b) {
        float[] f = new float[b.remaining() / 4];
        b.slice().order(b.order()).asFloatBuffer().get(f);
        return f;
    }
}
