package dev.lookalike.embed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Whatever starts DJL, cli/Main or not (@QuarkusTest, quarkus dev), goes through TorchClipModel's opt-out first. */
class DjlTelemetryTest {

    @Test
    void loadingTheEngineClassOptsOutOfTracking() throws Exception {
        assumeTrue(System.getenv(DjlTelemetry.OPT_OUT) == null, "OPT_OUT_TRACKING is set in the environment");
        Class.forName(TorchClipModel.class.getName(), true, TorchClipModel.class.getClassLoader());
        assertEquals("true", System.getProperty(DjlTelemetry.OPT_OUT));
    }
}
