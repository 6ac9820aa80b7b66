package dev.lookalike.embed.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.lookalike.embed.ImageSpec;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.clip.ClipConfig.Activation;
import dev.lookalike.embed.clip.ClipConfig.Encoder;

import java.util.Map;
import java.util.Set;

/**
 * Reads the two published config formats into a {@link ClipConfig} and an {@link ImageSpec}, refusing
 * anything that is not a plain ViT CLIP with a message naming what it is.
 *
 * <p>transformers: {@code config.json} with {@code model_type} {@code clip}; absent keys take the
 * defaults of {@code CLIPTextConfig}/{@code CLIPVisionConfig}; a {@code text_config_dict} or
 * {@code vision_config_dict} (older Hub configs) wins over {@code text_config}/{@code vision_config},
 * its absent keys taking the defaults too, as {@code CLIPConfig.__init__} does.
 *
 * <p>open_clip: {@code open_clip_config.json}'s {@code model_cfg} with the defaults of
 * {@code CLIPVisionCfg}/{@code CLIPTextCfg}; activation {@code nn.GELU} unless {@code quick_gelu}.
 */
final class ConfigReader {

    /** A name the transformers text tower pools at the argmax for (configs written before transformers PR #24773). */
    private static final int LEGACY_EOS = 2;

    private ConfigReader() {
    }

    // ---------------------------------------------------------------- transformers

    static ClipConfig transformers(JsonNode root, String file) throws ModelLoadException {
        String type = root.path("model_type").asText(null);
        if (!"clip".equals(type)) {
            throw new ModelLoadException(file + " describes a " + (type == null ? "model without a model_type" : "\"" + type
                    + "\" model") + ", not a CLIP ViT (model_type \"clip\"); only CLIP checkpoints run on the Java towers");
        }
        JsonNode t = effective(root, "text_config");
        JsonNode v = effective(root, "vision_config");
        try {
            if (v.path("num_channels").asInt(3) != 3) {
                throw new IllegalArgumentException("vision_config.num_channels must be 3");
            }
            int eos = t.path("eos_token_id").asInt(49407);
            Encoder text = new Encoder(t.path("hidden_size").asInt(512), t.path("num_hidden_layers").asInt(12),
                    t.path("num_attention_heads").asInt(8), t.path("intermediate_size").asInt(2048),
                    hfActivation(t.path("hidden_act").asText("quick_gelu"), "text_config"),
                    t.path("layer_norm_eps").asDouble(1e-5));
            Encoder vision = new Encoder(v.path("hidden_size").asInt(768), v.path("num_hidden_layers").asInt(12),
                    v.path("num_attention_heads").asInt(12), v.path("intermediate_size").asInt(3072),
                    hfActivation(v.path("hidden_act").asText("quick_gelu"), "vision_config"),
                    v.path("layer_norm_eps").asDouble(1e-5));
            return new ClipConfig(vision, v.path("image_size").asInt(224), v.path("patch_size").asInt(32), text,
                    t.path("vocab_size").asInt(49408), t.path("max_position_embeddings").asInt(77),
                    eos == LEGACY_EOS ? ClipConfig.POOL_AT_ARGMAX : eos, root.path("projection_dim").asInt(512));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code name_dict} when present (its absent keys then mean the defaults), else {@code name}. */
    private static JsonNode effective(JsonNode root, String name) {
        JsonNode dict = root.path(name + "_dict");
        if (dict.isObject()) {
            return dict;
        }
        JsonNode config = root.path(name);
        return config.isObject() ? config : MissingNode.getInstance();
    }

    private static Activation hfActivation(String name, String where) {
        return switch (name) {
            case "quick_gelu" -> Activation.QUICK_GELU;
            case "gelu" -> Activation.GELU;
            default -> throw new IllegalArgumentException(where + ".hidden_act \"" + name
                    + "\" is not supported (quick_gelu or gelu)");
        };
    }

    /**
     * The preprocessing of {@code preprocessor_config.json} (CLIPImageProcessor): shortest edge to
     * {@code size}, centre crop to {@code crop_size}, which must be equal, rescale and normalise.
     *
     * @param root the file's json, or null when the repository has none (then OpenAI's at the image size)
     */
    static ImageSpec transformersPreprocessing(JsonNode root, int imageSize, String file) throws ModelLoadException {
        if (root == null) {
            return ImageSpec.openAiClip(imageSize);
        }
        try {
            if (!root.path("do_center_crop").asBoolean(true) || !root.path("do_resize").asBoolean(true)) {
                throw new IllegalArgumentException("only resize + centre crop preprocessing is supported");
            }
            JsonNode size = root.path("size");
            int shortest;
            if (size.isMissingNode() || size.isNull()) {
                shortest = 224;
            } else if (size.isInt()) {
                shortest = size.asInt();
            } else if (size.has("shortest_edge")) {
                shortest = size.path("shortest_edge").asInt();
            } else {
                throw new IllegalArgumentException("size " + size + " is not a shortest edge (only shortest-edge resizing "
                        + "is supported)");
            }
            JsonNode crop = root.path("crop_size");
            int cropSize;
            if (crop.isMissingNode() || crop.isNull()) {
                cropSize = 224;
            } else if (crop.isInt()) {
                cropSize = crop.asInt();
            } else if (crop.path("height").asInt(-1) == crop.path("width").asInt(-2)) {
                cropSize = crop.path("height").asInt();
            } else {
                throw new IllegalArgumentException("crop_size " + crop + " is not square");
            }
            if (shortest != cropSize) {
                throw new IllegalArgumentException("resizing to " + shortest + " and cropping to " + cropSize
                        + " is not supported (they must be equal)");
            }
            if (cropSize != imageSize) {
                throw new IllegalArgumentException("crop_size " + cropSize + " differs from the model's image size "
                        + imageSize);
            }
            ImageSpec openAi = ImageSpec.openAiClip(cropSize);
            return new ImageSpec(cropSize, "shortest", resample(root.path("resample").asInt(3)), TRANSFORMERS_CROP,
                    floats(root.path("image_mean"), openAi.mean(), "image_mean"),
                    floats(root.path("image_std"), openAi.std(), "image_std"));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * transformers' {@code center_crop} starts at {@code (n - crop) // 2}; torchvision rounds half to
     * even. Only images whose resized long side exceeds the crop by an odd number of pixels differ.
     */
    static final String TRANSFORMERS_CROP = "center-floor";

    private static String resample(int pil) {
        return switch (pil) {
            case 3 -> "bicubic";
            case 2 -> "bilinear";
            default -> throw new IllegalArgumentException("resample " + pil
                    + " is not supported (3 bicubic or 2 bilinear)");
        };
    }

    // ---------------------------------------------------------------- open_clip

    /** Vision keys read, or harmless at inference. */
    private static final Set<String> VISION_READ = Set.of("layers", "width", "head_width", "mlp_ratio", "patch_size",
            "image_size", "patch_dropout", "output_tokens", "final_ln_after_pool", "image_seq_len",
            "attn_pooler_queries", "attn_pooler_heads", "timm_model_pretrained", "timm_pool", "timm_proj",
            "timm_proj_bias", "timm_drop", "timm_drop_path", "timm_model_kwargs");
    /** Vision keys that change the architecture unless they hold their default. */
    private static final Map<String, Object> VISION_DEFAULTS = defaults(
            "ls_init_value", null, "attentional_pool", false, "no_ln_pre", false, "pos_embed_type", "learnable",
            "pool_type", "tok", "act_kwargs", null, "norm_kwargs", null, "block_type", null, "qk_norm", false,
            "scaled_cosine_attn", false, "scale_heads", false, "scale_attn_inner", false, "scale_attn", false,
            "scale_fc", false, "global_average_pool", false, "input_patchnorm", false);
    private static final Set<String> TEXT_READ = Set.of("context_length", "vocab_size", "width", "heads", "layers",
            "mlp_ratio", "hf_tokenizer_name", "tokenizer_mode", "tokenizer_kwargs", "tokenizer_type", "tiktoken_name",
            "pad_id", "bos_id", "output_tokens", "final_ln_after_pool", "variable_text", "hf_model_pretrained",
            "hf_proj_type", "hf_pooler_type", "hf_model_config");
    private static final Map<String, Object> TEXT_DEFAULTS = defaults(
            "text_arch", "clip", "ls_init_value", null, "embed_cls", false, "eos_id", null, "no_causal_mask", false,
            "pool_type", "argmax", "proj_bias", false, "proj_type", "linear", "act_kwargs", null, "norm_kwargs", null,
            "block_type", null, "qk_norm", false, "scaled_cosine_attn", false, "scale_heads", false,
            "scale_attn_inner", false, "scale_attn", false, "scale_fc", false, "ln_post_emb", false,
            "hf_model_name", null);

    static ClipConfig openClip(JsonNode root, String file) throws ModelLoadException {
        JsonNode model = root.path("model_cfg");
        if (!model.isObject()) {
            throw new ModelLoadException(file + " has no model_cfg object");
        }
        JsonNode v = model.path("vision_cfg");
        JsonNode t = model.path("text_cfg");
        if (!v.path("timm_model_name").isMissingNode() && !v.path("timm_model_name").isNull()) {
            throw new ModelLoadException(file + ": the vision tower is the timm model "
                    + v.path("timm_model_name") + ", not a CLIP ViT; only plain ViT CLIP towers run on the Java towers");
        }
        if (v.path("layers").isArray()) {
            throw new ModelLoadException(file + ": vision_cfg.layers " + v.path("layers")
                    + " is a ModifiedResNet image tower, not a ViT; only ViT CLIP towers run on the Java towers");
        }
        if (!t.path("hf_model_name").isMissingNode() && !t.path("hf_model_name").isNull()) {
            throw new ModelLoadException(file + ": the text tower is the Hugging Face model " + t.path("hf_model_name")
                    + ", not CLIP's text transformer; only CLIP text towers run on the Java towers");
        }
        if (model.has("multimodal_cfg")) {
            throw new ModelLoadException(file + " describes a CoCa model (multimodal_cfg), not a CLIP");
        }
        if (model.hasNonNull("init_logit_bias")) {
            throw new ModelLoadException(file + " describes a SigLIP model (init_logit_bias), not a CLIP");
        }
        checkKeys(v, VISION_READ, VISION_DEFAULTS, "vision_cfg", file);
        checkKeys(t, TEXT_READ, TEXT_DEFAULTS, "text_cfg", file);
        if (!model.has("embed_dim")) {
            throw new ModelLoadException(file + " has no model_cfg.embed_dim");
        }
        Activation act = model.path("quick_gelu").asBoolean(false) ? Activation.QUICK_GELU : Activation.GELU;
        try {
            int vWidth = v.path("width").asInt(768);
            int headWidth = v.path("head_width").asInt(64);
            if (headWidth < 1 || vWidth % headWidth != 0) {
                throw new IllegalArgumentException("vision_cfg.head_width " + headWidth + " does not divide width " + vWidth);
            }
            Encoder vision = new Encoder(vWidth, v.path("layers").asInt(12), vWidth / headWidth,
                    (int) (vWidth * v.path("mlp_ratio").asDouble(4.0)), act, 1e-5);
            int tWidth = t.path("width").asInt(512);
            Encoder text = new Encoder(tWidth, t.path("layers").asInt(12), t.path("heads").asInt(8),
                    (int) (tWidth * t.path("mlp_ratio").asDouble(4.0)), act, 1e-5);
            return new ClipConfig(vision, square(v.path("image_size"), 224, "vision_cfg.image_size"),
                    square(v.path("patch_size"), 16, "vision_cfg.patch_size"), text,
                    t.path("vocab_size").asInt(49408), t.path("context_length").asInt(77), ClipConfig.POOL_AT_ARGMAX,
                    model.path("embed_dim").asInt());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the text tower is a separate {@code text} module (CustomTextCLIP): its weights are under {@code text.}. */
    static boolean openClipCustomText(JsonNode root) {
        return root.path("model_cfg").path("custom_text").asBoolean(false);
    }

    /** open_clip's inference transform for {@code resize_mode} shortest: Resize(size) + CenterCrop(size). */
    static ImageSpec openClipPreprocessing(JsonNode root, int imageSize, String file) throws ModelLoadException {
        JsonNode p = root.path("preprocess_cfg");
        try {
            String mode = p.path("resize_mode").asText("shortest");
            if (!"shortest".equals(mode)) {
                throw new IllegalArgumentException("preprocess_cfg.resize_mode \"" + mode
                        + "\" is not supported (only shortest)");
            }
            int size = p.has("size") ? square(p.path("size"), imageSize, "preprocess_cfg.size") : imageSize;
            if (size != imageSize) {
                throw new IllegalArgumentException("preprocess_cfg.size " + size + " differs from the image size "
                        + imageSize);
            }
            String interpolation = p.path("interpolation").asText("bicubic");
            ImageSpec openAi = ImageSpec.openAiClip(size);
            return new ImageSpec(size, "shortest", interpolation, "center",
                    floats(p.path("mean"), openAi.mean(), "preprocess_cfg.mean"),
                    floats(p.path("std"), openAi.std(), "preprocess_cfg.std"));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    private static void checkKeys(JsonNode cfg, Set<String> read, Map<String, Object> defaults, String where,
                                  String file) throws ModelLoadException {
        for (var entry : cfg.properties()) {
            String key = entry.getKey();
            if (read.contains(key)) {
                continue;
            }
            if (!defaults.containsKey(key)) {
                throw new ModelLoadException(file + ": " + where + "." + key + " is unknown to the Java towers, which "
                        + "run plain ViT CLIP only");
            }
            Object expected = defaults.get(key);
            JsonNode value = entry.getValue();
            boolean isDefault = expected == null ? value.isNull()
                    : expected instanceof Boolean b ? value.isBoolean() && value.asBoolean() == b
                    : value.isTextual() && value.asText().equals(expected);
            if (!isDefault && !(expected == null && value.isNull())) {
                if ("block_type".equals(key) && "default".equals(value.asText())) {
                    continue;
                }
                throw new ModelLoadException(file + ": " + where + "." + key + " = " + value + " is not supported "
                        + "(only plain ViT CLIP towers run on the Java towers)");
            }
        }
    }

    private static Map<String, Object> defaults(Object... pairs) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static int square(JsonNode n, int fallback, String what) {
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (n.isArray()) {
            if (n.size() != 2 || n.get(0).asInt() != n.get(1).asInt()) {
                throw new IllegalArgumentException(what + " " + n + " is not square");
            }
            return n.get(0).asInt();
        }
        return n.asInt();
    }

    private static float[] floats(JsonNode array, float[] fallback, String what) {
        if (array.isMissingNode() || array.isNull()) {
            return fallback;
        }
        if (!array.isArray() || array.size() != 3) {
            throw new IllegalArgumentException(what + " must hold 3 numbers, got " + array);
        }
        return new float[] {(float) array.get(0).asDouble(), (float) array.get(1).asDouble(),
                (float) array.get(2).asDouble()};
    }
}
