package dev.lookalike.embed;

import java.util.List;

/**
 * A loaded CLIP model: an image tower and a text tower mapping into one vector space. Every vector
 * returned has unit length. Implementations are thread-safe and own native memory: close them.
 */
public interface ClipModel extends AutoCloseable {

    /** The model package's name; also the name of its collection in the catalogue. */
    String name();

    /** Length of every vector. */
    int dim();

    /** How images must be preprocessed for {@link #embedPixels}. */
    ImageSpec imageSpec();

    /** How the text tower multiplies: FLOAT32 or BFLOAT16, never AUTO. */
    default TextPrecision textPrecision() {
        return TextPrecision.FLOAT32;
    }

    /**
     * Whether the model is computing or has work queued right now; background work that competes for
     * the same cores (precomputing lookalike lists) waits while it is.
     */
    default boolean busy() {
        return false;
    }

    /** Longest token sequence the text tower takes. */
    int contextLength();

    /** The tokenizer of the text tower. */
    ClipTokenizer tokenizer();

    /**
     * Embeds a batch of preprocessed images, each CHW float32 of length 3·size·size.
     *
     * @throws EmbeddingException when the model fails on the batch
     */
    float[][] embedPixels(List<float[]> pixels);

    /**
     * Embeds a batch of texts (tokenized, truncated to the context length).
     *
     * @throws EmbeddingException when the model fails on the batch
     */
    float[][] embedTexts(List<String> texts);

    default float[] embedText(String text) {
        return embedTexts(List.of(text))[0];
    }

    @Override
    void close();
}
