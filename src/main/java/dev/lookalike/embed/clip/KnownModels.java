package dev.lookalike.embed.clip;

import dev.lookalike.embed.clip.ClipConfig.Activation;
import dev.lookalike.embed.clip.ClipConfig.Encoder;

import java.util.List;

/**
 * CLIP checkpoints on the Hugging Face Hub that the Java towers run, with their shapes. The shapes
 * are those of each repo's {@code config.json} / {@code open_clip_config.json} (OpenAI's ViT-B/32,
 * B/16 and L/14 as transformers' CLIPConfig writes them; open_clip's ViT-B-32 and ViT-B-16 model
 * configs, whose activation is nn.GELU), so {@code lookalike models} can time a model of the same
 * shape with random weights before anyone downloads it.
 */
public final class KnownModels {

    /**
     * One checkpoint.
     *
     * @param spec         what {@code --model} takes
     * @param architecture the usual name of its shape
     * @param config       its shape
     * @param goodAt       one line on what it is for
     */
    public record KnownModel(String spec, String architecture, ClipConfig config, String goodAt) {

        /** Parameters of both towers and projections: what the forward pass reads. */
        public long parameters() {
            ClipConfig c = config;
            int grid = c.grid();
            long vision = (long) 3 * c.patchSize() * c.patchSize() * c.vision().width() // patch conv, no bias
                    + c.vision().width()                                                    // class embedding
                    + (long) (grid * grid + 1) * c.vision().width()                         // positions
                    + 2L * 2 * c.vision().width()                                           // pre and post LN
                    + encoder(c.vision())
                    + (long) c.vision().width() * c.projectionDim();
            long text = (long) c.vocabSize() * c.text().width()
                    + (long) c.contextLength() * c.text().width()
                    + 2L * c.text().width()                                                 // final LN
                    + encoder(c.text())
                    + (long) c.text().width() * c.projectionDim();
            return vision + text + 1;                                                       // + logit scale
        }

        /** Bytes of the float32 checkpoint the Hub serves (headers and int64 buffers aside). */
        public long downloadBytes() {
            return parameters() * Float.BYTES;
        }

        private static long encoder(Encoder e) {
            long w = e.width();
            long m = e.mlpWidth();
            long block = 4 * w * w + 4 * w     // q, k, v and output projections with biases
                    + 2 * 2 * w                // two LNs
                    + w * m + m + m * w + w;   // MLP
            return block * e.layers();
        }
    }

    private static final Encoder B_VISION = new Encoder(768, 12, 12, 3072, Activation.QUICK_GELU, 1e-5);
    private static final Encoder B_TEXT = new Encoder(512, 12, 8, 2048, Activation.QUICK_GELU, 1e-5);
    private static final Encoder B_VISION_GELU = new Encoder(768, 12, 12, 3072, Activation.GELU, 1e-5);
    private static final Encoder B_TEXT_GELU = new Encoder(512, 12, 8, 2048, Activation.GELU, 1e-5);
    private static final Encoder L_VISION = new Encoder(1024, 24, 16, 4096, Activation.QUICK_GELU, 1e-5);
    private static final Encoder L_TEXT = new Encoder(768, 12, 12, 3072, Activation.QUICK_GELU, 1e-5);

    private static ClipConfig shape(Encoder vision, int patch, Encoder text, int dim) {
        return new ClipConfig(vision, 224, patch, text, 49408, 77, ClipConfig.POOL_AT_ARGMAX, dim);
    }

    private static final List<KnownModel> ALL = List.of(
            new KnownModel("hf:openai/clip-vit-base-patch32", "ViT-B/32", shape(B_VISION, 32, B_TEXT, 512),
                    "the default: OpenAI's original, general product photos, the fastest"),
            new KnownModel("hf:openai/clip-vit-base-patch16", "ViT-B/16", shape(B_VISION, 16, B_TEXT, 512),
                    "finer detail (patterns, small logos) than B/32, about 4x the image work"),
            new KnownModel("hf:openai/clip-vit-large-patch14", "ViT-L/14", shape(L_VISION, 14, L_TEXT, 768),
                    "OpenAI's most accurate 224 px CLIP; slow on a CPU, for offline embedding"),
            new KnownModel("hf:laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "ViT-B/32", shape(B_VISION_GELU, 32, B_TEXT_GELU, 512),
                    "trained on LAION-2B: better zero-shot accuracy than OpenAI's B/32 at the same speed"),
            new KnownModel("hf:patrickjohncyh/fashion-clip", "ViT-B/32", shape(B_VISION, 32, B_TEXT, 512),
                    "FashionCLIP: OpenAI's B/32 fine-tuned on 800k fashion products; clothing and fashion shops"),
            new KnownModel("hf:Marqo/marqo-fashionCLIP", "ViT-B/16", shape(B_VISION_GELU, 16, B_TEXT_GELU, 512),
                    "Marqo-FashionCLIP: fine-tuned on 1M+ fashion products (titles, colours, materials); fashion shops"));

    private KnownModels() {
    }

    /** Every known checkpoint, the default first. */
    public static List<KnownModel> all() {
        return ALL;
    }
}
