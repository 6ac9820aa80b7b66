package dev.lookalike.embed.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsAreHuggingFaceAndTheHomeCache() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HOME", "/home/ann"));
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(Path.of("/home/ann/.cache/huggingface/hub"), s.cacheDir());
        assertNull(s.token());
        assertFalse(s.offline());
    }

    @Test
    void theEndpointLosesItsTrailingSlashes() {
        assertEquals(URI.create("http://mirror:8080/hf"),
                HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_ENDPOINT", "http://mirror:8080/hf//")).endpoint());
        assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_ENDPOINT", "mirror")));
    }

    @Test
    void theCacheFollowsXdgThenHfHomeThenHfHubCache() {
        assertEquals(Path.of("/x/huggingface/hub"),
                HubSettings.fromEnvironment(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/x")).cacheDir());
        assertEquals(Path.of("/hf/hub"), HubSettings.fromEnvironment(Map.of("HOME", "/h", "XDG_CACHE_HOME", "/x",
                "HF_HOME", "/hf")).cacheDir());
        assertEquals(Path.of("/c"), HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", "/hf",
                "HF_HUB_CACHE", "/c", "HUGGINGFACE_HUB_CACHE", "/legacy")).cacheDir());
        assertEquals(Path.of("/legacy"), HubSettings.fromEnvironment(Map.of("HOME", "/h",
                "HUGGINGFACE_HUB_CACHE", "/legacy")).cacheDir());
        // expanduser, then expandvars, as constants.py does
        assertEquals(Path.of("/h/hf/hub"), HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HOME", "~/hf"))
                .cacheDir());
        assertEquals(Path.of("/data/u1/hub"), HubSettings.fromEnvironment(Map.of("HOME", "/h", "ROOT", "/data",
                "HF_HOME", "$ROOT/${USERX}", "USERX", "u1")).cacheDir());
        assertEquals(Path.of("/h/$NOPE/hub"), HubSettings.fromEnvironment(Map.of("HOME", "/h",
                "HF_HOME", "/h/$NOPE")).cacheDir());
    }

    @Test
    void offlineIsTrueFor1OnYesTrueInAnyCase() {
        for (String yes : new String[]{"1", "true", "TRUE", "Yes", "on"}) {
            assertTrue(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HUB_OFFLINE", yes)).offline(), yes);
        }
        for (String no : new String[]{"0", "false", "", "2", " 1"}) {
            assertFalse(HubSettings.fromEnvironment(Map.of("HOME", "/h", "HF_HUB_OFFLINE", no)).offline(), no);
        }
        assertTrue(HubSettings.fromEnvironment(Map.of("HOME", "/h", "TRANSFORMERS_OFFLINE", "1")).offline());
    }

    @Test
    void theTokenComesFromHfTokenElseTheTokenFile() throws IOException {
        Path home = tmp.resolve("hf");
        Files.createDirectories(home);
        Files.writeString(home.resolve("token"), "  hf_file\r\n");
        String h = home.toString();
        assertEquals("hf_env", HubSettings.fromEnvironment(Map.of("HF_HOME", h, "HF_TOKEN", "hf_env\n")).token());
        assertEquals("hf_legacy", HubSettings.fromEnvironment(Map.of("HF_HOME", h, "HF_TOKEN", "",
                "HUGGING_FACE_HUB_TOKEN", "hf_legacy")).token());
        assertEquals("hf_file", HubSettings.fromEnvironment(Map.of("HF_HOME", h)).token());
        Files.writeString(tmp.resolve("elsewhere"), "hf_path");
        assertEquals("hf_path", HubSettings.fromEnvironment(Map.of("HF_HOME", h,
                "HF_TOKEN_PATH", tmp.resolve("elsewhere").toString())).token());
        assertNull(HubSettings.fromEnvironment(Map.of("HF_HOME", h, "HF_HUB_DISABLE_IMPLICIT_TOKEN", "1",
                "HF_TOKEN", "hf_env")).token());
        assertNull(HubSettings.fromEnvironment(Map.of("HF_HOME", tmp.resolve("none").toString())).token());
        Files.writeString(home.resolve("token"), " \n");
        assertNull(HubSettings.fromEnvironment(Map.of("HF_HOME", h)).token(), "an empty token is none");
    }

    @Test
    void theTokenNeverPrints() {
        assertFalse(new HubSettings(URI.create("https://huggingface.co"), "hf_secret", Path.of("/c"), false)
                .toString().contains("hf_secret"));
    }
}
