package dev.lookalike.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fly.toml agrees with the app (port, health path, read-only catalogue) and with measured memory and startup. */
class FlyTomlTest {

    static final JsonNode FLY;
    static final JsonNode MEASURED;

    static {
        try {
            FLY = new TomlMapper().readTree(Path.of("fly.toml").toFile());
            MEASURED = new ObjectMapper().readTree(Path.of("tools/measured-serve.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Properties appProperties() throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void servesOnTheAppsPortAndChecksReadiness() throws Exception {
        JsonNode http = FLY.path("http_service");
        int appPort = Integer.parseInt(appProperties().getProperty("quarkus.http.port"));
        assertEquals(appPort, http.path("internal_port").asInt(), "internal_port must be quarkus.http.port");
        assertTrue(Files.readString(Path.of("Dockerfile")).contains("EXPOSE " + appPort));
        assertTrue(Files.readString(Path.of("Dockerfile.jvm")).contains("EXPOSE " + appPort));
        JsonNode check = http.path("checks").get(0);
        assertEquals("/q/health/ready", check.path("path").asText());
        assertEquals("GET", check.path("method").asText());
        assertEquals("stop", http.path("auto_stop_machines").asText());
        assertTrue(http.path("auto_start_machines").asBoolean());
    }

    @Test
    void gracePeriodCoversTheMeasuredModelLoad() {
        double ready = MEASURED.path("seconds_to_ready").asDouble();
        assertTrue(ready > 0, "tools/measured-serve.json has no seconds_to_ready");
        long grace = seconds(FLY.path("http_service").path("checks").get(0).path("grace_period").asText());
        // shared Fly CPUs are slower than the machine measured on, and a cold start reads the image from disk
        assertTrue(grace >= 5 * ready, "grace period " + grace + " s is short of 5 × the measured " + ready + " s");
    }

    @Test
    void vmMemoryHoldsTheMeasuredResidentSetWithHeadroom() {
        long rss = MEASURED.path("rss_mib_after_photo_search").asLong();
        assertTrue(rss > 0, "tools/measured-serve.json has no rss_mib_after_photo_search");
        long memory = mib(FLY.path("vm").get(0).path("memory").asText());
        assertTrue(memory >= rss * 1.25, "vm memory " + memory + " MiB < 1.25 × measured RSS " + rss + " MiB");
    }

    @Test
    void theBakedCatalogueIsServedReadOnlyAndAWritableMountIsOffered() throws Exception {
        assertEquals("true", FLY.path("env").path("LOOKALIKE_READ_ONLY").asText());
        assertEquals("/opt/lookalike/catalog.db", FLY.path("env").path("LOOKALIKE_CATALOG").asText());
        assertTrue(Files.readString(Path.of("fly.toml")).contains("# [mounts]"), "the [mounts] option is documented");
        assertEquals("Dockerfile", FLY.path("build").path("dockerfile").asText());
    }

    static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(duration.strip());
        assertTrue(m.matches(), "bad duration " + duration);
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> v / 1000;
            case "m" -> v * 60;
            default -> v;
        };
    }

    static long mib(String size) {
        Matcher m = Pattern.compile("(\\d+)\\s*(gb|mb)").matcher(size.strip().toLowerCase(Locale.ROOT));
        assertTrue(m.matches(), "bad memory size " + size);
        long v = Long.parseLong(m.group(1));
        return m.group(2).equals("gb") ? v * 1024 : v;
    }
}
