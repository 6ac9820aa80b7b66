package dev.lookalike.embed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whatever starts DJL, cli/Main or not (@QuarkusTest, quarkus dev), goes through TorchThread, which
 * opts out first: every model (TorchScript packages and the Java towers) loads and runs on it.
 */
class DjlTelemetryTest {

    @Test
    void loadingTheEngineClassOptsOutOfTracking() throws Exception {
        assumeTrue(System.getenv(DjlTelemetry.OPT_OUT) == null, "OPT_OUT_TRACKING is set in the environment");
        TorchThread.call(() -> null);
        assertEquals("true", System.getProperty(DjlTelemetry.OPT_OUT));
    }
}
