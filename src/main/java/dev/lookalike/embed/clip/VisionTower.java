package dev.lookalike.embed.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.Vectors;
import dev.lookalike.embed.clip.Transformer.Norm;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * CLIP's image tower: patch convolution, class token and positions, pre-norm, the transformer, the
 * post-norm of the class token and the visual projection. Always float32. Run on the PyTorch thread.
 */
final class VisionTower implements AutoCloseable {

    private final ClipConfig config;
    private final NDManager manager;
    private final NDArray patch;
    /** [1, 1, width]: added to zeros to make each image's class token. */
    private final NDArray classToken;
    private final NDArray positions;
    private final Norm pre;
    private final Transformer transformer;
    private final Norm post;
    /** [dim, width], as a Linear weight. */
    private final NDArray projection;

    private VisionTower(ClipConfig config, NDManager manager, NDArray patch, NDArray classToken, NDArray positions,
                        Norm pre, Transformer transformer, Norm post, NDArray projection) {
        this.config = config;
        this.manager = manager;
        this.patch = patch;
        this.classToken = classToken;
        this.positions = positions;
        this.pre = pre;
        this.transformer = transformer;
        this.post = post;
        this.projection = projection;
    }

    /** Checks that every tensor of the tower is there with its shape, reading none. */
    static void check(CheckpointTensors t, KeyMap keys, ClipConfig c) throws ModelLoadException {
        long w = c.vision().width();
        t.expect(keys.patchEmbedding(), w, 3, c.patchSize(), c.patchSize());
        t.expect(keys.classEmbedding(), w);
        t.expect(keys.visionPositions(), (long) c.grid() * c.grid() + 1, w);
        for (String n : List.of(keys.preNorm(), keys.postNorm())) {
            t.expect(n + ".weight", w);
            t.expect(n + ".bias", w);
        }
        Transformer.check(t, keys, true, c.vision());
        KeyMap.Projection p = keys.visualProjection();
        if (p.inByOut()) {
            t.expect(p.name(), w, c.projectionDim());
        } else {
            t.expect(p.name(), c.projectionDim(), w);
        }
    }

    /** Reads the tower's tensors into arrays of a new sub-manager of {@code parent}. */
    static VisionTower load(CheckpointTensors.Source source, KeyMap keys, ClipConfig c, NDManager parent)
            throws ModelLoadException {
        NDManager m = parent.newSubManager();
        try {
            CheckpointTensors t = source.on(m);
            long w = c.vision().width();
            NDArray patch = t.tensor(keys.patchEmbedding(), w, 3, c.patchSize(), c.patchSize());
            NDArray cls = t.tensor(keys.classEmbedding(), w).reshape(1, 1, w);
            NDArray pos = t.tensor(keys.visionPositions(), (long) c.grid() * c.grid() + 1, w);
            Norm pre = Norm.load(t, keys.preNorm(), w);
            Transformer tr = Transformer.load(t, keys, true, c.vision());
            Norm post = Norm.load(t, keys.postNorm(), w);
            KeyMap.Projection p = keys.visualProjection();
            NDArray proj = p.inByOut() ? t.transposed(p.name(), w, c.projectionDim())
                    : t.tensor(p.name(), c.projectionDim(), w);
            return new VisionTower(c, m, patch, cls, pos, pre, tr, post, proj);
        } catch (ModelLoadException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Embeds preprocessed images (CHW float32, 3·size·size each), not normalised.
     *
     * @return [images][dim]
     */
    float[][] forward(List<float[]> pixels) {
        int s = config.imageSize();
        int plane = 3 * s * s;
        try (NDManager call = manager.newSubManager()) {
            FloatBuffer buf = FloatBuffer.allocate(pixels.size() * plane);
            pixels.forEach(buf::put);
            buf.flip();
            long b = pixels.size();
            long w = config.vision().width();
            long n = (long) config.grid() * config.grid();
            NDArray x = call.create(buf, new Shape(b, 3, s, s));
            int p = config.patchSize();
            x = Conv2d.conv2d(x, patch, null, new Shape(p, p), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
            x = x.reshape(b, w, n).transpose(0, 2, 1);
            NDArray cls = call.zeros(new Shape(b, 1, w)).add(classToken);
            x = cls.concat(x, 1).add(positions);
            x = pre.apply(x, config.vision().layerNormEps());
            x = transformer.forward(x, null);
            NDArray pooled = post.apply(x.get(":, 0, :"), config.vision().layerNormEps());
            NDArray out = ai.djl.nn.core.Linear.linear(pooled, projection).singletonOrThrow();
            return Vectors.rows(out);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
