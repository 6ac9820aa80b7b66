package dev.lookalike.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged application as a user does: {@code java -jar target/quarkus-app/quarkus-run.jar …}. Public for
 * the integration tests of other packages (solr/SolrCloudIT).
 */
public final class App {

    public static final Path JAR = Path.of(System.getProperty("lookalike.app", "target/quarkus-app/quarkus-run.jar"));
    public static final Path MODELS = Path.of("src/test/resources/models").toAbsolutePath();

    public record Result(int exit, String out, String err) {
        public List<String> lines() {
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    private App() {}

    public static ProcessBuilder builder(Path workDir, String... args) {
        return builder(workDir, List.of(), args);
    }

    /** As {@link #builder(Path, String...)}, with {@code jvmArgs} (such as -Dkey=value) before -jar. */
    public static ProcessBuilder builder(Path workDir, List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(JAR.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("LOOKALIKE_MODEL_CACHE", workDir.resolve("model-cache").toString());
        pb.environment().putIfAbsent("DJL_CACHE_DIR", Path.of("target/djl-cache").toAbsolutePath().toString());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().remove("LOOKALIKE_CATALOG");
        pb.environment().remove("LOOKALIKE_MODEL");
        // never the developer's Hugging Face cache, token or endpoint: a test names its own Hub, if any
        for (String k : List.of("HF_ENDPOINT", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE",
                "TRANSFORMERS_OFFLINE", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "XDG_CACHE_HOME")) {
            pb.environment().remove(k);
        }
        pb.environment().put("HF_HOME", workDir.resolve("hf").toString());
        return pb;
    }

    public static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(builder(workDir, args), workDir, args);
    }

    /** Runs a builder made by {@link #builder} (its environment changed as the test needs). */
    public static Result run(ProcessBuilder pb, Path workDir, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("lookalike " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
