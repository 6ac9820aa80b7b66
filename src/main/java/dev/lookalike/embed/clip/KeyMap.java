package dev.lookalike.embed.clip;

import java.util.List;

/**
 * Tensor names of one published layout. transformers ({@code modeling_clip.py}'s CLIPModel) keeps
 * q, k and v as separate Linear layers and its projections as Linear weights ({@code [out, in]});
 * open_clip ({@code transformer.py}) fuses q, k, v into {@code attn.in_proj_weight} of
 * {@code nn.MultiheadAttention} and keeps the projections as matrices used as {@code x @ proj}
 * ({@code [in, out]}). Tensors the forward does not use ({@code position_ids}, {@code logit_scale},
 * {@code attn_mask}) are never asked for.
 */
abstract sealed class KeyMap {

    /** One Linear layer: weight parts stacked along the output dimension (q, k, v), and their biases. */
    record Linear(List<String> weights, List<String> biases) {
        static Linear of(String prefix) {
            return new Linear(List.of(prefix + ".weight"), List.of(prefix + ".bias"));
        }
    }

    /** A projection matrix and whether it is stored as {@code [in, out]} (used as {@code x @ proj}). */
    record Projection(String name, boolean inByOut) {
    }

    /** The names of residual block {@code i} of the vision tower (or of the text tower). */
    record BlockKeys(String ln1, String ln2, Linear qkv, Linear out, Linear fc1, Linear fc2) {
    }

    /** What the layout is called in messages. */
    abstract String layout();

    abstract String patchEmbedding();

    abstract String classEmbedding();

    abstract String visionPositions();

    abstract String preNorm();

    abstract String postNorm();

    abstract Projection visualProjection();

    abstract BlockKeys block(boolean vision, int i);

    abstract String tokenEmbedding();

    abstract String textPositions();

    abstract String finalNorm();

    abstract Projection textProjection();

    static KeyMap transformers() {
        return new Transformers();
    }

    /** @param customText whether the text tower is open_clip's separate {@code text} module (CustomTextCLIP) */
    static KeyMap openClip(boolean customText) {
        return new OpenClip(customText ? "text." : "");
    }

    /** transformers' CLIPModel. */
    static final class Transformers extends KeyMap {
        @Override
        String layout() {
            return "transformers";
        }

        @Override
        String patchEmbedding() {
            return "vision_model.embeddings.patch_embedding.weight";
        }

        @Override
        String classEmbedding() {
            return "vision_model.embeddings.class_embedding";
        }

        @Override
        String visionPositions() {
            return "vision_model.embeddings.position_embedding.weight";
        }

        @Override
        String preNorm() {
            return "vision_model.pre_layrnorm"; // sic: the module is named so in modeling_clip.py
        }

        @Override
        String postNorm() {
            return "vision_model.post_layernorm";
        }

        @Override
        Projection visualProjection() {
            return new Projection("visual_projection.weight", false);
        }

        @Override
        BlockKeys block(boolean vision, int i) {
            String p = (vision ? "vision_model" : "text_model") + ".encoder.layers." + i + ".";
            String a = p + "self_attn.";
            Linear qkv = new Linear(List.of(a + "q_proj.weight", a + "k_proj.weight", a + "v_proj.weight"),
                    List.of(a + "q_proj.bias", a + "k_proj.bias", a + "v_proj.bias"));
            return new BlockKeys(p + "layer_norm1", p + "layer_norm2", qkv, Linear.of(a + "out_proj"),
                    Linear.of(p + "mlp.fc1"), Linear.of(p + "mlp.fc2"));
        }

        @Override
        String tokenEmbedding() {
            return "text_model.embeddings.token_embedding.weight";
        }

        @Override
        String textPositions() {
            return "text_model.embeddings.position_embedding.weight";
        }

        @Override
        String finalNorm() {
            return "text_model.final_layer_norm";
        }

        @Override
        Projection textProjection() {
            return new Projection("text_projection.weight", false);
        }
    }

    /** open_clip's CLIP (and CustomTextCLIP, whose text tower sits under {@code text.}). */
    static final class OpenClip extends KeyMap {
        private final String text;

        OpenClip(String textPrefix) {
            this.text = textPrefix;
        }

        @Override
        String layout() {
            return "open_clip";
        }

        @Override
        String patchEmbedding() {
            return "visual.conv1.weight";
        }

        @Override
        String classEmbedding() {
            return "visual.class_embedding";
        }

        @Override
        String visionPositions() {
            return "visual.positional_embedding";
        }

        @Override
        String preNorm() {
            return "visual.ln_pre";
        }

        @Override
        String postNorm() {
            return "visual.ln_post";
        }

        @Override
        Projection visualProjection() {
            return new Projection("visual.proj", true);
        }

        @Override
        BlockKeys block(boolean vision, int i) {
            String p = (vision ? "visual." : text) + "transformer.resblocks." + i + ".";
            Linear qkv = new Linear(List.of(p + "attn.in_proj_weight"), List.of(p + "attn.in_proj_bias"));
            return new BlockKeys(p + "ln_1", p + "ln_2", qkv, Linear.of(p + "attn.out_proj"),
                    Linear.of(p + "mlp.c_fc"), Linear.of(p + "mlp.c_proj"));
        }

        @Override
        String tokenEmbedding() {
            return text + "token_embedding.weight";
        }

        @Override
        String textPositions() {
            return text + "positional_embedding";
        }

        @Override
        String finalNorm() {
            return text + "ln_final";
        }

        @Override
        Projection textProjection() {
            return new Projection(text + "text_projection", true);
        }
    }
}
