package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecoder;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed every image the model's collection lacks; resumable; prints a JSON summary.")
class EmbedCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @CommandLine.Option(names = "--workers", paramLabel = "N",
            description = "Threads decoding and preprocessing images (default: number of cores).")
    Integer workers;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || batch > 4096) {
            throw new CommandFailure(ExitCodes.USAGE, "--batch must be between 1 and 4096, got " + batch);
        }
        try (CatalogDb db = openExistingCatalog(); ClipModel clip = loadModel()) {
            int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
            EmbedRun run = new EmbedRun(db, clip, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), batch, threads);
            EmbedRun.Summary s = run.run(new ProgressBar("embedding", "img"));
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("collection", s.collection());
            n.put("embedded", s.embedded());
            n.put("skipped", s.skipped());
            n.put("failed", s.failed());
            n.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            n.put("images_per_second", Math.round(s.imagesPerSecond() * 100) / 100.0);
            out.println(Json.line(n));
        }
        return ExitCodes.OK;
    }
}
