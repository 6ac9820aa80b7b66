package dev.lookalike.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The fixture model packages and their golden data (tools/make_fixtures.py). */
final class Fixtures {
    static final Path MODELS = Path.of("src/test/resources/models").toAbsolutePath();
    static final JsonNode GOLDEN;

    static {
        try {
            GOLDEN = new ObjectMapper().readTree(MODELS.resolve("golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fixtures() {}

    static Path model(String name) {
        return MODELS.resolve(name);
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
