package dev.lookalike.embed.weights;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixtures tools/make_weight_fixtures.py wrote with PyTorch, and what PyTorch says they hold. */
final class ExpectedTensors {

    static final Path DIR = Path.of("src/test/resources/weights").toAbsolutePath();

    static final JsonNode JSON = read();

    private ExpectedTensors() {
    }

    private static JsonNode read() {
        try {
            return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
                    .readTree(DIR.resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The state dict's names, in its order. */
    static List<String> order() {
        List<String> names = new ArrayList<>();
        JSON.path("order").forEach(n -> names.add(n.asText()));
        return names;
    }

    static JsonNode tensor(String name) {
        return JSON.path("tensors").path(name);
    }

    /** Checks one tensor's type, shape and, for floating types, every value bit for bit. */
    static void check(Weights w, String name) throws WeightsException {
        JsonNode t = tensor(name);
        TensorInfo info = w.find(name);
        assertNotNull(info, name);
        assertEquals(DType.valueOf(t.path("dtype").asText()), info.dtype(), name);
        long[] shape = new long[t.path("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.path("shape").get(i).asLong();
        }
        assertArrayEquals(shape, info.shape(), name);
        JsonNode values = t.path("values");
        if (!info.dtype().floating()) {
            WeightsException e = assertThrows(WeightsException.class, () -> w.float32(name));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains(info.dtype().name()), e.getMessage());
            return;
        }
        ByteBuffer b = w.float32(name);
        assertTrue(b.isDirect(), name + " comes in a direct buffer");
        assertEquals(values.size() * 4, b.remaining(), name);
        for (int i = 0; i < values.size(); i++) {
            float expected = (float) values.get(i).asDouble(); // f64 narrows as Float32 does; f16/bf16 are exact
            float actual = b.getFloat(b.position() + i * 4);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
                    name + "[" + i + "]: expected " + expected + ", got " + actual);
        }
    }

    /** Every tensor of the fixture state dict, read through {@code w}, in the state dict's order. */
    static void checkAll(Weights w) throws WeightsException {
        assertEquals(order(), w.names());
        for (String name : order()) {
            check(w, name);
        }
    }
}
