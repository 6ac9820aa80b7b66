package dev.lookalike.search;

import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ClipTokenizer;
import dev.lookalike.embed.ImageSpec;
import dev.lookalike.embed.Vectors;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model whose text vectors are given by hand, for tests of ranking and steering that need no DJL
 * (a JVM that already loaded PyTorch's natives in Quarkus's class loader cannot load them again).
 */
public final class FakeClip implements ClipModel {

    private final Map<String, float[]> texts;
    private final int dim;
    public final AtomicInteger textCalls = new AtomicInteger();

    public FakeClip(int dim, Map<String, float[]> texts) {
        this.dim = dim;
        this.texts = texts;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public ImageSpec imageSpec() {
        return ImageSpec.openAiClip(32);
    }

    @Override
    public int contextLength() {
        return 77;
    }

    @Override
    public ClipTokenizer tokenizer() {
        throw new UnsupportedOperationException("no tokenizer");
    }

    @Override
    public float[][] embedPixels(List<float[]> pixels) {
        throw new UnsupportedOperationException("no image tower");
    }

    @Override
    public float[][] embedTexts(List<String> list) {
        textCalls.incrementAndGet();
        return list.stream().map(t -> {
            float[] v = texts.get(t);
            if (v == null) {
                throw new IllegalArgumentException("no vector for text " + t);
            }
            return Vectors.normalize(v.clone());
        }).toArray(float[][]::new);
    }

    @Override
    public void close() {
    }
}
