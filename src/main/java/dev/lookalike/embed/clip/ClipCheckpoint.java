package dev.lookalike.embed.clip;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ClipTokenizer;
import dev.lookalike.embed.ImageSpec;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.TextPrecision;
import dev.lookalike.embed.TorchThread;
import dev.lookalike.embed.weights.Weights;
import dev.lookalike.embed.weights.WeightsException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Loads a published CLIP checkpoint (a Hugging Face repository in the transformers or the open_clip
 * layout) onto the Java towers: no TorchScript, no Python.
 *
 * <p>The layout is told by the files: {@code config.json} with {@code model_type} {@code clip} is
 * transformers (weights {@code model.safetensors}, else {@code model.safetensors.index.json}, else
 * {@code pytorch_model.bin}, else {@code pytorch_model.bin.index.json}); otherwise
 * {@code open_clip_config.json} is open_clip ({@code open_clip_model.safetensors}, else
 * {@code open_clip_pytorch_model.safetensors}, else {@code open_clip_pytorch_model.bin}). The tokenizer
 * comes from {@code vocab.json} + {@code merges.txt}, else {@code tokenizer.json}; the preprocessing
 * from {@code preprocessor_config.json} or open_clip's {@code preprocess_cfg}.
 */
public final class ClipCheckpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TRANSFORMERS_WEIGHTS = List.of("model.safetensors", "model.safetensors.index.json",
            "pytorch_model.bin", "pytorch_model.bin.index.json");
    static final List<String> OPEN_CLIP_WEIGHTS = List.of("open_clip_model.safetensors",
            "open_clip_pytorch_model.safetensors", "open_clip_pytorch_model.bin");

    private ClipCheckpoint() {
    }

    /**
     * Loads the text tower now and the image tower on first use.
     *
     * @param precision of the text tower: FLOAT32, or AUTO, which means float32 here. BFLOAT16 is refused:
     *     DJL 0.36's PyTorch engine aborts the JVM ("terminate called without an active exception") as
     *     soon as a bfloat16 NDArray is made, by {@code create} or {@code toType} alike, so the towers'
     *     Java towers have no bfloat16 path until DJL handles the type
     * @throws ModelLoadException naming the repository and what is wrong: no config, an architecture
     *     other than a ViT CLIP (named), no weights (listing the files looked for), a missing tensor
     *     or one whose shape disagrees with the config (naming the tensor and both shapes), no tokenizer
     */
    public static ClipModel load(RepoFiles repo, TextPrecision precision) throws ModelLoadException {
        if (precision == TextPrecision.BFLOAT16) {
            throw new ModelLoadException("the Java CLIP towers cannot run " + repo.name() + "'s text tower in "
                    + "bfloat16 (DJL 0.36's PyTorch engine aborts on bfloat16 arrays): set lookalike.text-precision "
                    + "to auto or float32");
        }
        Plan plan = plan(repo);
        TextPrecision used = TextPrecision.FLOAT32;
        return TorchThread.call(() -> {
            NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            try {
                TextTower text;
                try (Weights weights = open(plan.weights())) {
                    CheckpointTensors check = new CheckpointTensors(weights, manager);
                    VisionTower.check(check, plan.keys(), plan.config());
                    text = TextTower.load(CheckpointTensors.of(weights), plan.keys(), plan.config(), manager);
                }
                JavaClipModel.VisionLoader vision = parent -> {
                    try (Weights weights = open(plan.weights())) {
                        return VisionTower.load(CheckpointTensors.of(weights), plan.keys(), plan.config(), parent);
                    }
                };
                return new JavaClipModel(repo.name(), plan.config(), plan.imageSpec(), plan.tokenizer(), used,
                        manager, text, vision);
            } catch (ModelLoadException | RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        });
    }

    /**
     * A model of the given shape with random weights, for timing it before anyone downloads the real
     * one: speed does not depend on the weights. Its tokenizer knows only the 256 byte tokens (a word
     * becomes a token per letter), its preprocessing is OpenAI's at the config's image size.
     *
     * @throws ModelLoadException if DJL cannot make the arrays (out of memory)
     */
    public static ClipModel random(String name, ClipConfig config, TextPrecision precision, long seed)
            throws ModelLoadException {
        if (precision == TextPrecision.BFLOAT16) {
            throw new ModelLoadException("the Java CLIP towers cannot run in bfloat16 (DJL 0.36's PyTorch engine "
                    + "aborts on bfloat16 arrays): set lookalike.text-precision to auto or float32");
        }
        ClipTokenizer bytesOnly = ClipTokenizer.bytesOnly();
        KeyMap keys = KeyMap.transformers();
        return TorchThread.call(() -> {
            NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            try {
                TextTower text = TextTower.load(CheckpointTensors.random(seed), keys, config, manager);
                return new JavaClipModel(name, config, ImageSpec.openAiClip(config.imageSize()), bytesOnly,
                        TextPrecision.FLOAT32, manager, text,
                        parent -> VisionTower.load(CheckpointTensors.random(seed + 1), keys, config, parent));
            } catch (ModelLoadException | RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        });
    }

    /** What a repository holds: its config, the weights file, the key map, tokenizer and preprocessing. */
    record Plan(ClipConfig config, KeyMap keys, Path weights, ClipTokenizer tokenizer, ImageSpec imageSpec) {
    }

    static Plan plan(RepoFiles repo) throws ModelLoadException {
        Optional<Path> hfConfig = repo.find("config.json");
        JsonNode hf = hfConfig.isPresent() ? readJson(hfConfig.get(), repo) : null;
        boolean transformers = hf != null && "clip".equals(hf.path("model_type").asText(null));
        Optional<Path> ocConfig = transformers ? Optional.empty() : repo.find("open_clip_config.json");
        ClipConfig config;
        KeyMap keys;
        Path weights;
        ImageSpec spec;
        if (transformers) {
            String file = repo.name() + "/config.json";
            config = ConfigReader.transformers(hf, file);
            keys = KeyMap.transformers();
            weights = weights(repo, TRANSFORMERS_WEIGHTS);
            Optional<Path> pre = repo.find("preprocessor_config.json");
            spec = ConfigReader.transformersPreprocessing(pre.isPresent() ? readJson(pre.get(), repo) : null,
                    config.imageSize(), repo.name() + "/preprocessor_config.json");
        } else if (ocConfig.isPresent()) {
            JsonNode oc = readJson(ocConfig.get(), repo);
            String file = repo.name() + "/open_clip_config.json";
            config = ConfigReader.openClip(oc, file);
            keys = KeyMap.openClip(ConfigReader.openClipCustomText(oc));
            weights = weights(repo, OPEN_CLIP_WEIGHTS);
            spec = ConfigReader.openClipPreprocessing(oc, config.imageSize(), file);
        } else if (hf != null) {
            ConfigReader.transformers(hf, repo.name() + "/config.json"); // refuses, naming the model type
            throw new IllegalStateException("unreachable");
        } else {
            throw new ModelLoadException(repo.name() + " has neither config.json (transformers) nor "
                    + "open_clip_config.json (open_clip): not a CLIP checkpoint repository");
        }
        ClipTokenizer tokenizer = tokenizer(repo);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new ModelLoadException(repo.name() + ": the tokenizer has " + tokenizer.vocabSize()
                    + " ids but the text tower embeds " + config.vocabSize());
        }
        return new Plan(config, keys, weights, tokenizer, spec);
    }

    /** The first weights file of the layout's list that the repository has; shards are fetched one by one. */
    private static Path weights(RepoFiles repo, List<String> candidates) throws ModelLoadException {
        for (String name : candidates) {
            Optional<Path> file = repo.find(name);
            if (file.isPresent()) {
                if (name.endsWith(".index.json")) {
                    fetchShards(repo, file.get(), name);
                }
                return file.get();
            }
        }
        throw new ModelLoadException(repo.name() + " has no weights: looked for " + String.join(", ", candidates));
    }

    /** Asks the repository for every shard an index names, so a Hub repository downloads them beside it. */
    private static void fetchShards(RepoFiles repo, Path index, String name) throws ModelLoadException {
        JsonNode map = readJson(index, repo).path("weight_map");
        if (!map.isObject()) {
            throw new ModelLoadException(repo.name() + "/" + name + " has no weight_map object");
        }
        Set<String> shards = new LinkedHashSet<>();
        map.properties().forEach(e -> shards.add(e.getValue().asText()));
        String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
        for (String shard : shards) {
            repo.expect(dir + shard);
        }
    }

    private static ClipTokenizer tokenizer(RepoFiles repo) throws ModelLoadException {
        Optional<Path> vocab = repo.find("vocab.json");
        Optional<Path> merges = repo.find("merges.txt");
        try {
            if (vocab.isPresent() && merges.isPresent()) {
                return ClipTokenizer.load(vocab.get(), merges.get());
            }
            Path file = repo.find("tokenizer.json").orElseThrow(() -> new ModelLoadException(repo.name()
                    + " has no tokenizer: looked for vocab.json + merges.txt, then tokenizer.json"));
            return ClipTokenizer.load(file);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read the tokenizer of " + repo.name() + ": " + e.getMessage(), e);
        }
    }

    private static Weights open(Path file) throws ModelLoadException {
        try {
            return Weights.open(file);
        } catch (WeightsException e) {
            throw new ModelLoadException("cannot read weights " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(Path file, RepoFiles repo) throws ModelLoadException {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException(repo.name() + ": " + file.getFileName() + " is not valid JSON: "
                    + e.getMessage(), e);
        }
    }
}
