package dev.lookalike.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

/**
 * Runs a model's text tower for callers on any thread, sharing forward passes: texts that arrive while
 * the tower is busy wait together and run as one batch on {@link TorchThread}. Used by every
 * {@link ClipModel} with a text tower (the TorchScript packages and the Java towers alike).
 */
public final class TextBatcher {

    /** At most this many texts, and this many token positions (texts × longest), in one forward pass. */
    public static final int MAX_BATCH_TEXTS = 32;
    public static final int MAX_BATCH_TOKENS = 512;

    /** One forward pass of the text tower, run on the PyTorch thread; one unit-length vector per text. */
    @FunctionalInterface
    public interface Pass {
        float[][] run(int[][] ids) throws Exception;
    }

    private final String modelName;
    private final Pass pass;
    private final ConcurrentLinkedQueue<WaitingTexts> waiting = new ConcurrentLinkedQueue<>();
    /** Forward passes {@link #drain} ran, for tests. */
    private volatile int passes;

    /** @param modelName for messages; @param pass the tower, called on the PyTorch thread only */
    public TextBatcher(String modelName, Pass pass) {
        this.modelName = modelName;
        this.pass = pass;
    }

    /** Texts of one {@link #embed} call waiting for the tower, and where their vectors go. */
    private record WaitingTexts(int[][] ids, CompletableFuture<float[][]> vectors) {
        int longest() {
            int n = 0;
            for (int[] t : ids) {
                n = Math.max(n, t.length);
            }
            return n;
        }
    }

    /**
     * The vectors of tokenized texts, in order; waits for a shared forward pass. Called on the PyTorch
     * thread itself (a model probing its own tower while loading), it runs the pass at once.
     *
     * @throws EmbeddingException naming the model when the tower fails or the wait is interrupted
     */
    public float[][] embed(int[][] ids) {
        if (ids.length == 0) {
            return new float[0][];
        }
        try {
            if (TorchThread.isCurrent()) {
                return checked(pass.run(ids), ids.length);
            }
            WaitingTexts mine = new WaitingTexts(ids, new CompletableFuture<>());
            waiting.add(mine);
            TorchThread.execute(this::drain);
            return mine.vectors().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while waiting for the text tower of " + modelName, e);
        } catch (ExecutionException e) {
            throw new EmbeddingException("text tower of " + modelName + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (EmbeddingException e) {
            throw e;
        } catch (Exception e) {
            throw new EmbeddingException("text tower of " + modelName + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * On the PyTorch thread: runs every waiting text, as few forward passes as the caps allow. A query
     * is a handful of tokens, so the tower's time goes into reading its weights, which a batch reads
     * once for all its texts: ViT-B/32 takes ~11 ms for one text and ~30 ms for eight (2 cores). Each
     * text's vector is the same as alone, since the tower ignores padding after the end token.
     */
    private void drain() {
        while (true) {
            List<WaitingTexts> batch = new ArrayList<>();
            int count = 0;
            int longest = 0;
            for (WaitingTexts next; (next = waiting.peek()) != null; ) {
                int n = count + next.ids().length;
                int l = Math.max(longest, next.longest());
                if (!batch.isEmpty() && (n > MAX_BATCH_TEXTS || (long) n * l > MAX_BATCH_TOKENS)) {
                    break;
                }
                batch.add(waiting.poll()); // only this thread takes from the queue
                count = n;
                longest = l;
            }
            if (batch.isEmpty()) {
                return;
            }
            int[][] ids = new int[count][];
            int at = 0;
            for (WaitingTexts w : batch) {
                for (int[] t : w.ids()) {
                    ids[at++] = t;
                }
            }
            float[][] vectors;
            try {
                passes++; // only this thread writes it
                vectors = checked(pass.run(ids), count);
            } catch (Exception | Error e) {
                batch.forEach(w -> w.vectors().completeExceptionally(e)); // no caller is left waiting
                continue;
            }
            at = 0;
            for (WaitingTexts w : batch) {
                w.vectors().complete(Arrays.copyOfRange(vectors, at, at + w.ids().length));
                at += w.ids().length;
            }
        }
    }

    /** A tower that answers for another number of texts is broken. */
    private static float[][] checked(float[][] vectors, int expected) {
        if (vectors.length != expected) {
            throw new EmbeddingException("model returned " + vectors.length + " vectors for " + expected + " inputs");
        }
        return vectors;
    }

    /** Forward passes run so far, for tests. */
    public int passes() {
        return passes;
    }

    /** Texts waiting for the tower right now, for tests. */
    public int waiting() {
        return waiting.stream().mapToInt(w -> w.ids().length).sum();
    }
}
