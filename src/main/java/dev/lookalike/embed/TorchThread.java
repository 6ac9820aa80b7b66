package dev.lookalike.embed;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread on which Lookalike runs PyTorch: loading, inference and closing of every model.
 *
 * <p>Why one: libtorch parallelises each operator with OpenMP, and GNU OpenMP keeps a team of worker
 * threads for every thread that has ever started a parallel region. Once all teams together hold more
 * threads than there are cores, their workers stop spinning between regions and sleep, so each of the
 * hundred-odd parallel regions of a text query waits for a wake-up. Called from a server's request
 * threads, a ViT-B/32 text query took ~15 ms instead of ~9 ms on 2 cores. Funnelling all calls
 * through this thread keeps a single team whose workers stay hot; callers wait for their turn, which
 * costs nothing since every call already uses all cores.
 *
 * <p>Public for the Java towers in {@code embed.clip}, which run their NDArray operations here; nothing
 * outside the embed packages should need it.
 */
public final class TorchThread {

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static ExecutorService executor;
    private static volatile Thread thread;

    private TorchThread() {
    }

    /** Work that may throw one kind of checked exception. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code work} on the PyTorch thread and returns its result, or throws what it threw. Called
     * on that thread (a model loading calls its own tower), it runs at once.
     */
    @SuppressWarnings("unchecked")
    public static <T, E extends Exception> T call(Work<T, E> work) throws E {
        if (isCurrent()) {
            return work.run();
        }
        Future<T> result = submit(work::run);
        try {
            return result.get();
        } catch (InterruptedException e) {
            // the work goes on (native code cannot be stopped half way); the caller stops waiting
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw (E) cause; // run() declares only E besides unchecked ones
        }
    }

    /** Whether the caller is the PyTorch thread. */
    public static boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Queues {@code work} on the PyTorch thread without waiting for it. */
    public static void execute(Runnable work) {
        submit(() -> {
            work.run();
            return null;
        });
    }

    /** Queues work, counted in flight from now until it has run. */
    private static <T> Future<T> submit(Callable<T> work) {
        IN_FLIGHT.incrementAndGet();
        try {
            return executor().submit(() -> {
                try {
                    return work.call();
                } finally {
                    IN_FLIGHT.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            IN_FLIGHT.decrementAndGet();
            throw e;
        }
    }

    /** Whether model work is running or queued (background work elsewhere may wait for it). */
    public static boolean busy() {
        return IN_FLIGHT.get() > 0;
    }

    /** Created on first use, never at build time of a native image (it starts a thread). */
    private static synchronized ExecutorService executor() {
        if (executor == null) {
            DjlTelemetry.optOut(); // every model, TorchScript or Java towers, starts DJL's engine on this thread
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lookalike-torch");
                t.setDaemon(true); // models are closed by their owners; the JVM need not wait for this thread
                thread = t;
                return t;
            });
        }
        return executor;
    }
}
