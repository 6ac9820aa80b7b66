package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.scrape.ScrapeBenchmark;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/** Crawls a generated loopback shop with the rate limit off and prints pages/s, images/s, CPU and heap. */
@CommandLine.Command(name = "bench-scrape", mixinStandardHelpOptions = true,
        description = "Benchmark the crawler against a generated shop on a loopback port; prints JSON.")
class ScrapeBenchCommand extends BaseCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--pages", paramLabel = "N", defaultValue = "2000",
            description = "Product pages in the generated shop (default: ${DEFAULT-VALUE}).")
    int pages;

    @CommandLine.Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        if (pages < 1 || concurrency < 1) {
            throw new CommandFailure(ExitCodes.USAGE, "--pages and --concurrency must be at least 1");
        }
        ScrapeBenchmark.Result r = ScrapeBenchmark.run(pages, concurrency);
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("product_pages", r.productPages());
        n.put("concurrency", r.concurrency());
        n.put("cores", r.cores());
        n.put("pages", r.pages());
        n.put("products", r.products());
        n.put("images", r.images());
        n.put("requests", r.requests());
        n.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        n.put("pages_per_second", Math.round(r.pagesPerSecond() * 10) / 10.0);
        n.put("images_per_second", Math.round(r.imagesPerSecond() * 10) / 10.0);
        n.put("cpu_seconds", Math.round(r.cpuSeconds() * 100) / 100.0);
        n.put("peak_heap_mib", r.peakHeapMiB());
        out.println(Json.line(n));
        return ExitCodes.OK;
    }
}
