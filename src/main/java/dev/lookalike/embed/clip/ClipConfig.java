package dev.lookalike.embed.clip;

/**
 * The shape of a ViT CLIP: what the forward pass needs to know, read from a checkpoint's
 * {@code config.json} or {@code open_clip_config.json} (see {@link ConfigReader}).
 *
 * @param vision        the image transformer
 * @param imageSize     side of the square image the vision tower takes, in pixels
 * @param patchSize     side of one patch (the stride of the patch convolution)
 * @param text          the text transformer
 * @param vocabSize     rows of the token embedding
 * @param contextLength rows of the text position embedding: the longest token sequence
 * @param eosTokenId    the id the text tower pools at (its first occurrence), or {@link #POOL_AT_ARGMAX}
 *                      to pool at the largest id, as open_clip and legacy transformers configs do
 * @param projectionDim length of the joint embedding
 */
public record ClipConfig(Encoder vision, int imageSize, int patchSize, Encoder text, int vocabSize,
                         int contextLength, int eosTokenId, int projectionDim) {

    /** {@link #eosTokenId} meaning "at the position of the largest id" (CLIP's end-of-text is its largest). */
    public static final int POOL_AT_ARGMAX = -1;

    /** The MLP's nonlinearity. */
    public enum Activation {
        /** {@code x · sigmoid(1.702 x)}, OpenAI's original. */
        QUICK_GELU,
        /** The exact, erf-based GELU ({@code nn.GELU()}). */
        GELU
    }

    /**
     * One pre-norm transformer.
     *
     * @param width        hidden size
     * @param layers       residual blocks
     * @param heads        attention heads; divides {@code width}
     * @param mlpWidth     hidden size of each block's MLP
     * @param activation   the MLP's nonlinearity
     * @param layerNormEps epsilon of every LayerNorm of the tower
     */
    public record Encoder(int width, int layers, int heads, int mlpWidth, Activation activation, double layerNormEps) {
        /** @throws IllegalArgumentException naming the first size that is not positive, or heads not dividing width */
        public Encoder {
            positive("width", width);
            positive("layers", layers);
            positive("heads", heads);
            positive("mlp width", mlpWidth);
            if (width % heads != 0) {
                throw new IllegalArgumentException(heads + " heads do not divide width " + width);
            }
            if (!(layerNormEps > 0)) {
                throw new IllegalArgumentException("layer norm eps must be positive, got " + layerNormEps);
            }
        }

        public int headWidth() {
            return width / heads;
        }
    }

    /** @throws IllegalArgumentException naming the first size that is out of range */
    public ClipConfig {
        positive("image size", imageSize);
        positive("patch size", patchSize);
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("patch size " + patchSize + " does not divide image size " + imageSize);
        }
        positive("vocab size", vocabSize);
        if (contextLength < 2) {
            throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
        }
        positive("projection dim", projectionDim);
    }

    /** Patches along one side. */
    public int grid() {
        return imageSize / patchSize;
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
