package dev.lookalike.web;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds the test shop before Quarkus starts and points the server at it. */
public class TestShopResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("lookalike-web-test");
            Path catalogue = TestShop.build(dir);
            return Map.of("lookalike.catalog", catalogue.toString(),
                    "lookalike.model", TestShop.MODEL.toString(),
                    "lookalike.model-cache", dir.resolve("model-cache").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the temporary folder is left to the OS: the server may still hold the catalogue open
    }
}
