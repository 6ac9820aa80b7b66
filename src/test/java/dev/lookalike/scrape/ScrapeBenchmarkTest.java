package dev.lookalike.scrape;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark runs and counts right; its speed is reported by {@code bench-scrape}, not asserted here. */
class ScrapeBenchmarkTest {

    @Test
    void crawlsTheGeneratedShopCompletely() throws Exception {
        ScrapeBenchmark.Result r = ScrapeBenchmark.run(Integer.getInteger("bench.pages", 120),
                Integer.getInteger("bench.concurrency", 8));
        System.out.println("scrape benchmark: " + r);
        assertEquals(r.productPages(), r.products());
        assertEquals(r.productPages(), r.images());
        assertTrue(r.pagesPerSecond() > 0 && r.cpuSeconds() > 0 && r.peakHeapMiB() > 0, r.toString());
    }
}
