package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelConfig;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.clip.ClipCheckpoint;
import dev.lookalike.embed.clip.ClipConfig;
import dev.lookalike.embed.clip.KnownModels;
import dev.lookalike.embed.clip.KnownModels.KnownModel;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Lists the Hub checkpoints known to work, timing each shape on this machine with random weights
 * (speed does not depend on the weights), so a user can choose before downloading anything.
 */
@CommandLine.Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the CLIP models known to work, with their size and their speed measured on this "
                + "machine (random weights of the same shape; nothing is downloaded).")
class ModelsCommand implements Callable<Integer> {

    @Inject
    ModelConfig modelConfig;

    @CommandLine.Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Option(names = "--no-measure", description = "Do not time the models (instant; speed columns empty).")
    boolean noMeasure;

    @CommandLine.Option(names = "--only", paramLabel = "M",
            description = "Time only this model of the list (e.g. hf:openai/clip-vit-base-patch32); list all.")
    String only;

    @CommandLine.Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "Time each shape's image tower for at least S seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    /** What one shape measured: images per second (batch of 8) and a text query's median. */
    record Speed(double imagesPerSecond, double textMs) {
    }

    @Override
    public Integer call() throws ModelLoadException {
        if (!(seconds > 0)) {
            throw new CommandFailure(ExitCodes.USAGE, "--seconds must be positive, got " + seconds);
        }
        if (only != null && KnownModels.all().stream().noneMatch(m -> m.spec().equals(only))) {
            throw new CommandFailure(ExitCodes.USAGE, "--only " + only + " is not in the list; known: "
                    + String.join(", ", KnownModels.all().stream().map(KnownModel::spec).toList()));
        }
        Map<ClipConfig, Speed> speeds = new HashMap<>();
        if (!noMeasure) {
            for (KnownModel m : KnownModels.all()) {
                if ((only == null || only.equals(m.spec())) && !speeds.containsKey(m.config())) {
                    System.err.println("models: timing " + m.architecture() + " (" + m.spec() + ") with random weights …");
                    speeds.put(m.config(), measure(m));
                }
            }
        }
        if (json) {
            printJson(speeds);
        } else {
            printTable(speeds);
        }
        return ExitCodes.OK;
    }

    private Speed measure(KnownModel m) throws ModelLoadException {
        try (ClipModel clip = ClipCheckpoint.random(m.spec(), m.config(), modelConfig.textPrecision(), 1)) {
            int size = clip.imageSpec().size();
            List<float[]> batch = new ArrayList<>();
            java.util.Random rnd = new java.util.Random(7);
            for (int i = 0; i < 8; i++) {
                float[] p = new float[3 * size * size];
                for (int j = 0; j < p.length; j++) {
                    p[j] = (float) rnd.nextGaussian();
                }
                batch.add(p);
            }
            clip.embedPixels(batch.subList(0, 1)); // warm-up
            long start = System.nanoTime();
            int images = 0;
            do {
                clip.embedPixels(batch);
                images += batch.size();
            } while (System.nanoTime() - start < seconds * 1e9);
            double rate = images / ((System.nanoTime() - start) / 1e9);

            String[] words = {"gold", "purple", "sofa", "red", "dress", "leather", "bag", "chrome", "shoe", "linen"};
            for (int i = 0; i < 5; i++) {
                clip.embedText(words[i] + " " + words[9 - i]);
            }
            long[] ns = new long[21];
            for (int i = 0; i < ns.length; i++) {
                String q = words[i % words.length] + " " + words[(i * 3 + 1) % words.length];
                long t = System.nanoTime();
                clip.embedText(q);
                ns[i] = System.nanoTime() - t;
            }
            Arrays.sort(ns);
            return new Speed(rate, ns[ns.length / 2] / 1e6);
        }
    }

    private void printTable(Map<ClipConfig, Speed> speeds) {
        String format = "%-42s %-9s %4s %9s %9s %9s  %s%n";
        out.printf(format, "MODEL", "SHAPE", "DIM", "DOWNLOAD", "IMAGES/S", "TEXT MS", "GOOD AT");
        for (KnownModel m : KnownModels.all()) {
            Speed s = speeds.get(m.config());
            out.printf(Locale.ROOT, format, m.spec(), m.architecture(), m.config().projectionDim(),
                    String.format(Locale.ROOT, "%.0f MB", m.downloadBytes() / 1e6),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f", s.imagesPerSecond()),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f", s.textMs()), m.goodAt());
        }
        if (!speeds.isEmpty()) {
            out.printf(Locale.ROOT, "%nMeasured here: %d cores, text precision %s; images in batches of 8, "
                            + "model only (decoding adds to it); text: median of 21 queries of two words, tokenized into single "
                            + "bytes (about 13 tokens, more than a real vocabulary's 4: a slight overestimate).%n",
                    Runtime.getRuntime().availableProcessors(),
                    modelConfig.textPrecision().resolve().name().toLowerCase(Locale.ROOT));
        }
    }

    private void printJson(Map<ClipConfig, Speed> speeds) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("text_precision", modelConfig.textPrecision().resolve().name().toLowerCase(Locale.ROOT));
        ArrayNode list = root.putArray("models");
        for (KnownModel m : KnownModels.all()) {
            ObjectNode n = list.addObject();
            n.put("model", m.spec());
            n.put("architecture", m.architecture());
            n.put("dim", m.config().projectionDim());
            n.put("image_size", m.config().imageSize());
            n.put("parameters", m.parameters());
            n.put("download_bytes", m.downloadBytes());
            Speed s = speeds.get(m.config());
            if (s != null) {
                n.put("images_per_s", Math.round(s.imagesPerSecond() * 10) / 10.0);
                n.put("text_query_ms", Math.round(s.textMs() * 10) / 10.0);
            } else {
                n.putNull("images_per_s");
                n.putNull("text_query_ms");
            }
            n.put("good_at", m.goodAt());
        }
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
