package dev.lookalike.web;

import dev.lookalike.search.ScanSettings;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scan settings as the server reads them: application.properties' documented defaults are
 * {@link ScanSettings#DEFAULTS}, and each {@code lookalike.search.scan…} key reaches the index's settings.
 */
class ScanConfigTest {

    private static ServeConfig config(Map<String, String> overrides) throws IOException {
        URL properties = ScanConfigTest.class.getClassLoader().getResource("application.properties");
        // as Quarkus reads them: ${…} expressions expanded, its duration and memory-size converters
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(properties, 100))
                .withSources(new PropertiesConfigSource(overrides, "overrides", 400))
                .withMapping(ServeConfig.class)
                .withValidateUnknown(false)
                .build();
        return config.getConfigMapping(ServeConfig.class);
    }

    @Test
    void theDocumentedDefaultsAreTheIndexDefaults() throws IOException {
        assertEquals(ScanSettings.DEFAULTS, Serving.scanSettings(config(Map.of()).search()));
    }

    @Test
    void eachScanKeyReachesTheIndex() throws IOException {
        ServeConfig c = config(Map.of("lookalike.search.scan", "exact", "lookalike.search.scan-threshold", "5000",
                "lookalike.search.scan-candidates", "300", "lookalike.search.scan-int8-copy", "false"));
        assertEquals(new ScanSettings(ScanSettings.Pass.EXACT, 5000, 300, false), Serving.scanSettings(c.search()));
    }
}
