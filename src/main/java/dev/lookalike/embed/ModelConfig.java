package dev.lookalike.embed;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.nio.file.Path;

/** Which CLIP model commands and the server load, and how; documented in application.properties. */
@ConfigMapping(prefix = "lookalike")
public interface ModelConfig {

    /** The model that commands without --model, and the server, use (see ModelLocator for the forms). */
    String model();

    /** Where downloaded and unpacked model packages are kept. */
    @WithName("model-cache")
    Path modelCache();

    /** How the text tower multiplies (auto, float32, bfloat16): see TextPrecision. */
    @WithName("text-precision")
    TextPrecision textPrecision();
}
