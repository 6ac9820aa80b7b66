package dev.lookalike.embed.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.Vectors;
import dev.lookalike.embed.clip.Transformer.Dense;
import dev.lookalike.embed.clip.Transformer.Norm;

/**
 * CLIP's text tower: token and position embeddings for the real length, the transformer under a
 * causal mask, the final norm, pooling at the end-of-text token and the text projection. Its matrix
 * products run in bfloat16 when loaded so (LayerNorm, softmax and the residual stream stay float32).
 * Run on the PyTorch thread.
 */
final class TextTower implements AutoCloseable {

    private final ClipConfig config;
    private final NDManager manager;
    private final NDArray tokens;
    private final NDArray positions;
    private final Transformer transformer;
    private final Norm finalNorm;
    private final Dense projection;

    private TextTower(ClipConfig config, NDManager manager, NDArray tokens, NDArray positions,
                      Transformer transformer, Norm finalNorm, Dense projection) {
        this.config = config;
        this.manager = manager;
        this.tokens = tokens;
        this.positions = positions;
        this.transformer = transformer;
        this.finalNorm = finalNorm;
        this.projection = projection;
    }

    /** Reads the tower's tensors into arrays of a new sub-manager of {@code parent}. */
    static TextTower load(CheckpointTensors.Source source, KeyMap keys, ClipConfig c, NDManager parent)
            throws ModelLoadException {
        NDManager m = parent.newSubManager();
        try {
            CheckpointTensors t = source.on(m);
            long w = c.text().width();
            NDArray tok = t.tensor(keys.tokenEmbedding(), c.vocabSize(), w);
            NDArray pos = t.tensor(keys.textPositions(), c.contextLength(), w);
            Transformer tr = Transformer.load(t, keys, false, c.text());
            Norm fin = Norm.load(t, keys.finalNorm(), w);
            KeyMap.Projection p = keys.textProjection();
            NDArray proj = p.inByOut() ? t.transposed(p.name(), w, c.projectionDim())
                    : t.tensor(p.name(), c.projectionDim(), w);
            return new TextTower(c, m, tok, pos, tr, fin, new Dense(proj, null));
        } catch (ModelLoadException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Embeds token sequences (each at most the context length), padded to the longest: under the
     * causal mask no position sees the padding after it, so each vector is the same as alone.
     *
     * @return [texts][dim], not normalised
     */
    float[][] forward(int[][] ids) {
        int batch = ids.length;
        int len = 1;
        for (int[] t : ids) {
            len = Math.max(len, t.length);
        }
        long[] flat = new long[batch * len];
        long[] pooled = new long[batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                flat[i * len + j] = ids[i][j];
            }
            pooled[i] = (long) i * len + poolAt(ids[i]);
        }
        float[] mask = new float[len * len];
        for (int i = 0; i < len; i++) {
            for (int j = i + 1; j < len; j++) {
                mask[i * len + j] = Float.NEGATIVE_INFINITY;
            }
        }
        long w = config.text().width();
        try (NDManager call = manager.newSubManager()) {
            NDArray x = Embedding.embedding(call.create(flat, new Shape(batch, len)), tokens, SparseFormat.DENSE)
                    .singletonOrThrow();
            NDArray pos = Embedding.embedding(call.arange(0, len, 1, DataType.INT64), positions, SparseFormat.DENSE)
                    .singletonOrThrow();
            x = x.add(pos);
            x = transformer.forward(x, call.create(mask, new Shape(len, len)));
            x = finalNorm.apply(x, config.text().layerNormEps());
            NDArray at = Embedding.embedding(call.create(pooled), x.reshape(batch * (long) len, w), SparseFormat.DENSE)
                    .singletonOrThrow();
            return Vectors.rows(projection.apply(at));
        }
    }

    /**
     * Where a sequence is pooled: transformers' rule (the first {@code eos_token_id}; the argmax of the
     * ids for the legacy id 2), open_clip's (the argmax). The first of several equal maxima, as torch's
     * argmax; 0 when the eos id is absent, as transformers' argmax over an all-false mask.
     */
    int poolAt(int[] ids) {
        int at = 0;
        if (config.eosTokenId() == ClipConfig.POOL_AT_ARGMAX) {
            for (int j = 1; j < ids.length; j++) {
                if (ids[j] > ids[at]) {
                    at = j;
                }
            }
            return at;
        }
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] == config.eosTokenId()) {
                return j;
            }
        }
        return 0;
    }

    @Override
    public void close() {
        manager.close();
    }
}
