package dev.lookalike.web;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.TextPrecision;
import dev.lookalike.search.FakeClip;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.SearchService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading in the background: 503 with a reason until loaded, then served; a failed load says why. */
class ServingTest {

    @TempDir
    Path dir;

    @Test
    void answers503UntilLoadedThenServes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Path file = dir.resolve("c.db");
        CatalogDb.open(file).close();
        Serving serving = new Serving(() -> {
            release.await();
            return LiveSearch.of(CatalogDb.open(file), new FakeClip(2, Map.of()), SearchService.Settings.DEFAULTS,
                    LiveSearch.Precompute.OFF);
        }, Duration.ofMillis(50), true);
        try {
            assertEquals(Serving.Phase.IDLE, serving.status().phase());
            serving.start();
            WebProblem loading = assertThrows(WebProblem.class, serving::ready);
            assertEquals(503, loading.status());
            assertTrue(loading.getMessage().contains("loading"), loading.getMessage());
            release.countDown();
            Serving.Status loaded = serving.awaitLoaded();
            assertEquals(Serving.Phase.READY, loaded.phase(), loaded.message());
            assertSame(serving.ready(), serving.ready());
        } finally {
            serving.close();
        }
    }

    @Test
    void aFailedLoadSaysWhyAndStaysUnavailable() throws Exception {
        Serving serving = new Serving(() -> LiveSearch.open(dir.resolve("missing.db"), false, TestShop.MODEL.toString(),
                dir, TextPrecision.AUTO, (a, b) -> { }, SearchService.Settings.DEFAULTS, LiveSearch.Precompute.OFF), Duration.ofSeconds(1), true);
        serving.start();
        Serving.Status s = serving.awaitLoaded();
        assertEquals(Serving.Phase.FAILED, s.phase());
        WebProblem p = assertThrows(WebProblem.class, serving::ready);
        assertEquals(503, p.status());
        assertTrue(p.getMessage().contains("does not exist"), p.getMessage());
        serving.close();
    }
}
