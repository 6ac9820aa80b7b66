package dev.lookalike.embed.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.clip.ClipConfig.Encoder;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's pre-norm transformer in NDArray operations: {@code x + attn(ln_1(x))}, then
 * {@code x + mlp(ln_2(x))}, with multi-head attention over fused q/k/v and an optional additive mask.
 * Run on the PyTorch thread only. Results of an operation belong to the manager of its first operand,
 * so every operation starts from an activation, never from a weight: weights stay in the model's
 * manager, activations in the call's.
 */
final class Transformer implements AutoCloseable {

    /** A LayerNorm's scale and shift. */
    record Norm(NDArray gamma, NDArray beta) {
        NDArray apply(NDArray x, double eps) {
            return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, (float) eps).singletonOrThrow();
        }

        static Norm load(CheckpointTensors t, String prefix, long width) throws ModelLoadException {
            return new Norm(t.tensor(prefix + ".weight", width), t.tensor(prefix + ".bias", width));
        }
    }

    /**
     * A Linear layer {@code x W^T + b}, in float32: DJL 0.36's PyTorch engine aborts the JVM on any
     * bfloat16 array, so there is no bfloat16 path to take (see ClipCheckpoint.load).
     */
    record Dense(NDArray weight, NDArray bias) {
        NDArray apply(NDArray x) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }

        static Dense load(CheckpointTensors t, KeyMap.Linear keys, long partOut, long in) throws ModelLoadException {
            NDArray w = t.stacked(keys.weights(), partOut, in);
            return new Dense(w, t.stackedBias(keys.biases(), partOut));
        }
    }

    /** One residual block. */
    record Block(Norm ln1, Dense qkv, Dense out, Norm ln2, Dense fc1, Dense fc2) {
    }

    private final Encoder shape;
    private final List<Block> blocks;

    private Transformer(Encoder shape, List<Block> blocks) {
        this.shape = shape;
        this.blocks = blocks;
    }

    /** Loads the blocks of one tower. */
    static Transformer load(CheckpointTensors t, KeyMap keys, boolean vision, Encoder shape)
            throws ModelLoadException {
        long w = shape.width();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < shape.layers(); i++) {
            KeyMap.BlockKeys k = keys.block(vision, i);
            int partOut = k.qkv().weights().size() == 1 ? 3 : 1; // fused [3w, w] or three [w, w]
            Block b = new Block(Norm.load(t, k.ln1(), w), Dense.load(t, k.qkv(), partOut * w, w),
                    Dense.load(t, k.out(), w, w), Norm.load(t, k.ln2(), w),
                    Dense.load(t, k.fc1(), shape.mlpWidth(), w), Dense.load(t, k.fc2(), w, shape.mlpWidth()));
            blocks.add(b);
        }
        return new Transformer(shape, blocks);
    }

    /** Checks every block's tensors exist with the right shapes, without reading them. */
    static void check(CheckpointTensors t, KeyMap keys, boolean vision, Encoder shape) throws ModelLoadException {
        long w = shape.width();
        long m = shape.mlpWidth();
        for (int i = 0; i < shape.layers(); i++) {
            KeyMap.BlockKeys k = keys.block(vision, i);
            long partOut = k.qkv().weights().size() == 1 ? 3 * w : w;
            for (String n : List.of(k.ln1(), k.ln2())) {
                t.expect(n + ".weight", w);
                t.expect(n + ".bias", w);
            }
            checkDense(t, k.qkv(), partOut, w);
            checkDense(t, k.out(), w, w);
            checkDense(t, k.fc1(), m, w);
            checkDense(t, k.fc2(), w, m);
        }
    }

    private static void checkDense(CheckpointTensors t, KeyMap.Linear keys, long out, long in) throws ModelLoadException {
        for (String n : keys.weights()) {
            t.expect(n, out, in);
        }
        for (String n : keys.biases()) {
            t.expect(n, out);
        }
    }

    /**
     * Runs every block over {@code x} [batch, length, width].
     *
     * @param mask additive [length, length] attention mask, or null
     * @return a new array in {@code x}'s manager; {@code x} itself is closed
     */
    NDArray forward(NDArray x, NDArray mask) {
        for (Block b : blocks) {
            x = block(b, x, mask);
        }
        return x;
    }

    /** One block in its own sub-manager, so a deep tower holds one block's activations at a time. */
    private NDArray block(Block b, NDArray x, NDArray mask) {
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.attach(scope);
            NDArray h = attention(b, b.ln1().apply(x, shape.layerNormEps()), mask);
            x = x.add(h);
            NDArray m = b.fc2().apply(activation(b.fc1().apply(b.ln2().apply(x, shape.layerNormEps()))));
            NDArray y = x.add(m);
            y.attach(parent);
            return y;
        }
    }

    private NDArray attention(Block b, NDArray h, NDArray mask) {
        Shape s = h.getShape();
        long batch = s.get(0);
        long len = s.get(1);
        long width = s.get(2);
        int heads = shape.heads();
        long hw = shape.headWidth();
        NDList qkv = b.qkv().apply(h).split(3, 2);
        NDArray q = heads(qkv.get(0), batch, len, heads, hw).mul((float) (1.0 / Math.sqrt(hw)));
        NDArray k = heads(qkv.get(1), batch, len, heads, hw);
        NDArray v = heads(qkv.get(2), batch, len, heads, hw);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, len, width);
        return b.out().apply(context);
    }

    private static NDArray heads(NDArray x, long batch, long len, int heads, long hw) {
        return x.reshape(batch, len, heads, hw).transpose(0, 2, 1, 3);
    }

    private NDArray activation(NDArray x) {
        if (shape.activation() == ClipConfig.Activation.GELU) {
            return Activation.gelu(x);
        }
        return x.mul(Activation.sigmoid(x.mul(1.702f)));
    }

    @Override
    public void close() {
        for (Block b : blocks) {
            for (NDArray a : new NDArray[] {b.ln1().gamma(), b.ln1().beta(), b.qkv().weight(), b.qkv().bias(),
                    b.out().weight(), b.out().bias(), b.ln2().gamma(), b.ln2().beta(), b.fc1().weight(),
                    b.fc1().bias(), b.fc2().weight(), b.fc2().bias()}) {
                a.close();
            }
        }
    }
}
