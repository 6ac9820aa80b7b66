package dev.lookalike.cli;

import dev.lookalike.embed.TextPrecision;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.nio.file.Path;

/** Defaults of the command line, documented in application.properties. */
@ConfigMapping(prefix = "lookalike")
public interface LookalikeConfig {
    /** The catalogue file used when --catalog is not given. */
    Path catalog();

    /** The model used when --model is not given. */
    String model();

    /** Where downloaded and unpacked models are kept. */
    @WithName("model-cache")
    Path modelCache();

    /** How the text tower multiplies (auto, float32, bfloat16). */
    @WithName("text-precision")
    TextPrecision textPrecision();
}
