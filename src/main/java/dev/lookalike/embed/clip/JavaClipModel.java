package dev.lookalike.embed.clip;

import ai.djl.ndarray.NDManager;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ClipTokenizer;
import dev.lookalike.embed.EmbeddingException;
import dev.lookalike.embed.ImageSpec;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.TextBatcher;
import dev.lookalike.embed.TextPrecision;
import dev.lookalike.embed.TorchThread;
import dev.lookalike.embed.Vectors;

import java.util.List;

/**
 * A CLIP checkpoint run by the Java towers on DJL's PyTorch engine (no TorchScript). The text tower
 * is loaded with the model; the image tower on first use, so a server answering text never pays for
 * it. Concurrent text calls share forward passes ({@link TextBatcher}). Made by {@link ClipCheckpoint}.
 */
final class JavaClipModel implements ClipModel {

    /** Loads the image tower's arrays into the given manager. */
    @FunctionalInterface
    interface VisionLoader {
        VisionTower load(NDManager parent) throws ModelLoadException;
    }

    private final String name;
    private final ClipConfig config;
    private final ImageSpec imageSpec;
    private final ClipTokenizer tokenizer;
    private final TextPrecision precision;
    private final NDManager manager;
    private final TextTower text;
    private final VisionLoader visionLoader;
    private final TextBatcher batcher;
    private volatile VisionTower vision;
    private boolean closed;

    JavaClipModel(String name, ClipConfig config, ImageSpec imageSpec, ClipTokenizer tokenizer,
                  TextPrecision precision, NDManager manager, TextTower text, VisionLoader visionLoader) {
        this.name = name;
        this.config = config;
        this.imageSpec = imageSpec;
        this.tokenizer = tokenizer;
        this.precision = precision;
        this.manager = manager;
        this.text = text;
        this.visionLoader = visionLoader;
        this.batcher = new TextBatcher(name, ids -> Vectors.normalizeAll(text.forward(ids), ids.length));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dim() {
        return config.projectionDim();
    }

    @Override
    public ImageSpec imageSpec() {
        return imageSpec;
    }

    @Override
    public TextPrecision textPrecision() {
        return precision;
    }

    @Override
    public boolean busy() {
        return TorchThread.busy();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    @Override
    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** The architecture this model runs, for tests and logs. */
    ClipConfig config() {
        return config;
    }

    @Override
    public float[][] embedPixels(List<float[]> pixels) {
        if (pixels.isEmpty()) {
            return new float[0][];
        }
        imageSpec.checkPixels(pixels);
        try {
            return TorchThread.call(() -> Vectors.normalizeAll(vision().forward(pixels), pixels.size()));
        } catch (EmbeddingException | IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EmbeddingException("image tower of " + name + " failed on a batch of " + pixels.size()
                    + ": " + e.getMessage(), e);
        }
    }

    /** On the PyTorch thread: the image tower, loaded on first use. */
    private VisionTower vision() {
        VisionTower loaded = vision;
        if (loaded != null) {
            return loaded;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("model " + name + " is closed");
            }
            if (vision == null) {
                try {
                    vision = visionLoader.load(manager);
                } catch (ModelLoadException e) {
                    throw new EmbeddingException(e.getMessage(), e);
                }
            }
            return vision;
        }
    }

    /** Whether the image tower has been loaded, for tests. */
    boolean visionLoaded() {
        return vision != null;
    }

    /** On the PyTorch thread: arrays the model's managers hold (weights and anything left over), for tests. */
    int liveArrays() {
        return manager.getManagedArrays().size(); // sub-managers' arrays included
    }

    /** Forward passes of the text tower so far, for tests. */
    int textPasses() {
        return batcher.passes();
    }

    @Override
    public float[][] embedTexts(List<String> texts) {
        int[][] ids = new int[texts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(texts.get(i), config.contextLength());
        }
        return embedIds(ids);
    }

    /** Embeds token ids as they are (each at most the context length), sharing passes like {@link #embedTexts}. */
    float[][] embedIds(int[][] ids) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("model " + name + " is closed");
            }
        }
        return batcher.embed(ids);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        TorchThread.call(() -> {
            if (vision != null) {
                vision.close();
            }
            text.close();
            manager.close();
            return null;
        });
    }
}
