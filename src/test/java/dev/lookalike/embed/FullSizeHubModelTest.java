package dev.lookalike.embed;

import dev.lookalike.embed.hub.FakeHub;
import dev.lookalike.embed.hub.HubSettings;
import dev.lookalike.embed.weights.DType;
import dev.lookalike.embed.weights.SafetensorsWriter;
import dev.lookalike.embed.weights.SafetensorsWriter.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint of the default model's full size and layout — openai/clip-vit-base-patch32's config and
 * tensor names as transformers publishes them, random float16 weights (300 MB, generated here, never
 * committed) — fetched by {@code hf:} name from a loopback server that behaves like the Hub (the
 * weights redirect to another host, as large files do), loaded on the Java towers, used; then loaded
 * again from the cache with the server gone.
 */
class FullSizeHubModelTest {

    @TempDir
    Path dir;

    /** The published text_config/vision_config of openai/clip-vit-base-patch32 (the keys the model reads). */
    static final String CONFIG = """
            {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 512,
             "text_config": {"hidden_size": 512, "intermediate_size": 2048, "num_attention_heads": 8,
               "num_hidden_layers": 12, "max_position_embeddings": 77, "vocab_size": 49408,
               "hidden_act": "quick_gelu", "layer_norm_eps": 1e-05, "eos_token_id": 2, "bos_token_id": 0,
               "pad_token_id": 1},
             "vision_config": {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12,
               "num_hidden_layers": 12, "image_size": 224, "patch_size": 32, "hidden_act": "quick_gelu",
               "layer_norm_eps": 1e-05},
             "torch_dtype": "float32", "transformers_version": "4.21.0.dev0"}
            """;

    static final String PREPROCESSOR = """
            {"crop_size": 224, "do_center_crop": true, "do_normalize": true, "do_resize": true,
             "feature_extractor_type": "CLIPFeatureExtractor",
             "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
             "resample": 3, "size": 224}
            """;

    /** transformers' CLIPModel state dict names and shapes, written down from modeling_clip.py's modules. */
    static Map<String, Tensor> weights() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        long[] seed = {1};
        java.util.function.BiConsumer<String, long[]> add =
                (name, shape) -> t.put(name, Tensor.random(DType.F16, shape, seed[0]++, 0.02f));
        tower(add, "text_model", 512, 2048, 12);
        add.accept("text_model.embeddings.token_embedding.weight", new long[] {49408, 512});
        add.accept("text_model.embeddings.position_embedding.weight", new long[] {77, 512});
        t.put("text_model.embeddings.position_ids", positionIds(77)); // an int64 buffer older checkpoints carry
        add.accept("text_model.final_layer_norm.weight", new long[] {512});
        add.accept("text_model.final_layer_norm.bias", new long[] {512});
        tower(add, "vision_model", 768, 3072, 12);
        add.accept("vision_model.embeddings.class_embedding", new long[] {768});
        add.accept("vision_model.embeddings.patch_embedding.weight", new long[] {768, 3, 32, 32});
        add.accept("vision_model.embeddings.position_embedding.weight", new long[] {50, 768});
        t.put("vision_model.embeddings.position_ids", positionIds(50));
        for (String ln : List.of("vision_model.pre_layrnorm", "vision_model.post_layernorm")) {
            add.accept(ln + ".weight", new long[] {768});
            add.accept(ln + ".bias", new long[] {768});
        }
        add.accept("visual_projection.weight", new long[] {512, 768});
        add.accept("text_projection.weight", new long[] {512, 512});
        t.put("logit_scale", Tensor.f16(new long[0], 2.6592f));
        return t;
    }

    private static void tower(java.util.function.BiConsumer<String, long[]> add, String prefix, long w, long mlp, int layers) {
        for (int i = 0; i < layers; i++) {
            String l = prefix + ".encoder.layers." + i + ".";
            for (String p : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                add.accept(l + "self_attn." + p + ".weight", new long[] {w, w});
                add.accept(l + "self_attn." + p + ".bias", new long[] {w});
            }
            for (String ln : List.of("layer_norm1", "layer_norm2")) {
                add.accept(l + ln + ".weight", new long[] {w});
                add.accept(l + ln + ".bias", new long[] {w});
            }
            add.accept(l + "mlp.fc1.weight", new long[] {mlp, w});
            add.accept(l + "mlp.fc1.bias", new long[] {mlp});
            add.accept(l + "mlp.fc2.weight", new long[] {w, mlp});
            add.accept(l + "mlp.fc2.bias", new long[] {w});
        }
    }

    private static Tensor positionIds(int n) {
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putLong(i);
        }
        return Tensor.raw(DType.I64, new long[] {1, n}, b.flip());
    }

    @Test
    void theDefaultModelsShapeAndLayoutComesFromTheHubAndRunsThenRunsFromTheCacheAlone() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        SafetensorsWriter.write(repo.resolve("model.safetensors"), weights());
        Files.writeString(repo.resolve("config.json"), CONFIG);
        Files.writeString(repo.resolve("preprocessor_config.json"), PREPROCESSOR);
        Path tiny = Path.of("src/test/resources/hub/hf-quickgelu");
        Files.copy(tiny.resolve("vocab.json"), repo.resolve("vocab.json"));
        Files.copy(tiny.resolve("merges.txt"), repo.resolve("merges.txt"));
        assertTrue(Files.size(repo.resolve("model.safetensors")) > 300_000_000L);

        Path cache = dir.resolve("hf-cache");
        float[] text;
        float[] image;
        try (FakeHub hub = FakeHub.start()) {
            hub.addRepo("openai/clip-vit-base-patch32", repo);
            ModelLocator locator = new ModelLocator(dir.resolve("models"), ProgressListener.NONE, TextPrecision.AUTO,
                    new HubSettings(hub.endpoint(), null, cache, false));
            try (ClipModel clip = locator.load("hf:openai/clip-vit-base-patch32")) {
                assertEquals("openai/clip-vit-base-patch32", clip.name());
                assertEquals(512, clip.dim());
                assertEquals(224, clip.imageSpec().size());
                assertEquals(ImageSpec.CROP_CENTER_FLOOR, clip.imageSpec().crop());
                text = clip.embedText("a red shirt");
                image = clip.embedPixels(List.of(new float[3 * 224 * 224]))[0];
                assertUnit(text);
                assertUnit(image);
                assertArrayEquals(text, clip.embedTexts(List.of("a red shirt", "gold purple sofa"))[0], 1e-5f,
                        "a batch gives each text its own vector");
            }
            assertTrue(hub.requests().stream().anyMatch(r -> r.server().equals("cdn")),
                    "the weights came through the CDN redirect: " + hub.requests());
        }
        ModelLocator offline = new ModelLocator(dir.resolve("models"), ProgressListener.NONE, TextPrecision.AUTO,
                new HubSettings(java.net.URI.create("http://127.0.0.1:9"), null, cache, true));
        try (ClipModel clip = offline.load("hf:openai/clip-vit-base-patch32")) {
            assertArrayEquals(text, clip.embedText("a red shirt"), 0f, "the cached files give the same vectors");
            assertArrayEquals(image, clip.embedPixels(List.of(new float[3 * 224 * 224]))[0], 0f);
        }
    }

    private static void assertUnit(float[] v) {
        double n = 0;
        for (float f : v) {
            assertTrue(Float.isFinite(f));
            n += f * f;
        }
        assertEquals(1.0, Math.sqrt(n), 1e-5);
    }
}
