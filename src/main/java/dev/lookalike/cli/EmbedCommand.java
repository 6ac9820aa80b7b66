package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.explore.ClusterException;
import dev.lookalike.explore.ClusterUpdate;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed every image the model's collection lacks; resumable; prints a JSON summary. When the "
                + "collection has styles (lookalike cluster), new and changed products then join the nearest one.")
class EmbedCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @CommandLine.Option(names = "--workers", paramLabel = "N",
            description = "Threads decoding and preprocessing images (default: number of cores).")
    Integer workers;

    private final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);

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
            Optional<ClusterUpdate.Summary> styles = updateStyles(db, s.collection());
            styles.ifPresent(u -> n.set("styles", ClusterCommand.styles(u)));
            out.println(Json.line(n));
            styles.ifPresent(u -> ClusterCommand.warnIfStale(u, err));
        }
        return ExitCodes.OK;
    }

    /**
     * Keeps the collection's styles up to date when it has been clustered before; empty when it has not. A
     * failure here does not undo the embedding: it is reported and the styles stay as they were.
     */
    private Optional<ClusterUpdate.Summary> updateStyles(CatalogDb db, String collection) {
        Optional<Collection> c = db.findCollection(collection);
        if (c.isEmpty()) {
            return Optional.empty();
        }
        try {
            return ClusterUpdate.run(db, c.get());
        } catch (ClusterException e) {
            err.println("the styles were not updated: " + e.getMessage());
            return Optional.empty();
        }
    }
}
