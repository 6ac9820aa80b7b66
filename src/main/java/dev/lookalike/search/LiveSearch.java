package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.ModelLocator;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.embed.TextPrecision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A catalogue, its serving model and the in-memory index of that model's vectors, kept current: when
 * another process ({@code embed}, {@code import}) commits to the catalogue, {@link #refresh()} builds a
 * new index and swaps it in; searches running meanwhile finish on the old one. Each index's lookalike
 * lists are precomputed on a background thread when {@link Precompute} says so. Owns the catalogue
 * connection and the model and closes them, model first.
 */
public final class LiveSearch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LiveSearch.class.getName());

    /**
     * When an index's lookalike lists ({@link VectorIndex#precomputeLookalikes}) are worked out in the
     * background.
     *
     * @param size        entries per product; 0 never
     * @param maxPhotos   not for indexes with more photos than this: the work grows with their square
     * @param afterReload how long a reloaded index must stay current before the work starts, so that
     *                    an {@code embed} committing every few seconds does not restart it each time
     */
    public record Precompute(int size, int maxPhotos, Duration afterReload) {
        public static final Precompute OFF = new Precompute(0, 0, Duration.ZERO);

        public Precompute {
            if (size < 0 || maxPhotos < 0 || afterReload.isNegative()) {
                throw new IllegalArgumentException("lookalike list settings must be ≥ 0");
            }
        }
    }

    /**
     * How an index of a collection is made: {@link #IN_MEMORY}, or with its look scores asked of a SolrCloud
     * collection ({@link VectorIndex#remote}).
     */
    @FunctionalInterface
    public interface Indexer {
        VectorIndex load(CatalogDb db, Collection collection);
    }

    /** The collection's vectors loaded into this process. */
    public static final Indexer IN_MEMORY = VectorIndex::load;

    private final CatalogDb db;
    private final ClipModel model;
    private final Indexer indexer;
    private final SearchService service;
    private final Precompute precompute;
    private volatile VectorIndex index;
    private long dataVersion;
    private volatile boolean closed;
    private ExecutorService worker;
    private Future<?> pending;

    private LiveSearch(CatalogDb db, ClipModel model, SearchService.Settings settings, Precompute precompute,
                       Indexer indexer) {
        this.db = db;
        this.model = model;
        this.precompute = precompute;
        this.indexer = indexer;
        this.dataVersion = db.dataVersion();
        this.index = load();
        this.service = new SearchService(() -> index, () -> model, settings, db::photoErrors, db::words);
        schedule(index, Duration.ZERO);
    }

    /**
     * Opens the catalogue, loads the model and the vectors of the model's collection (none yet is fine:
     * they appear once {@code embed} has run).
     *
     * @throws SearchException when the catalogue file does not exist
     * @throws dev.lookalike.catalog.CatalogException when it cannot be opened or read
     * @throws ModelLoadException when the model cannot be found, fetched or loaded
     */
    public static LiveSearch open(Path catalogue, boolean readOnly, String modelSpec, Path modelCache,
                                  TextPrecision textPrecision, ProgressListener download,
                                  SearchService.Settings settings, Precompute precompute) throws ModelLoadException {
        return open(catalogue, readOnly, modelSpec, modelCache, textPrecision, download, settings, precompute,
                IN_MEMORY);
    }

    /** {@link #open} with the index made by {@code indexer}. */
    public static LiveSearch open(Path catalogue, boolean readOnly, String modelSpec, Path modelCache,
                                  TextPrecision textPrecision, ProgressListener download,
                                  SearchService.Settings settings, Precompute precompute, Indexer indexer)
            throws ModelLoadException {
        if (!Files.isRegularFile(catalogue)) {
            throw new SearchException("catalogue " + catalogue + " does not exist: import a shop into it first");
        }
        CatalogDb db = CatalogDb.openForReading(catalogue, readOnly);
        ClipModel model = null;
        try {
            model = new ModelLocator(modelCache, download, textPrecision).load(modelSpec);
            return new LiveSearch(db, model, settings, precompute, indexer);
        } catch (ModelLoadException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            db.close();
            throw e;
        }
    }

    /** Serves an already open catalogue and model; this object owns and closes both. */
    public static LiveSearch of(CatalogDb db, ClipModel model, SearchService.Settings settings, Precompute precompute) {
        return of(db, model, settings, precompute, IN_MEMORY);
    }

    /** {@link #of} with the index made by {@code indexer}. */
    public static LiveSearch of(CatalogDb db, ClipModel model, SearchService.Settings settings, Precompute precompute,
                                Indexer indexer) {
        return new LiveSearch(db, model, settings, precompute, indexer);
    }

    private VectorIndex load() {
        // a catalogue not embedded with this model yet still lists its products, with no vectors
        Collection c = db.findCollection(model.name()).orElse(new Collection(-1, model.name(), null));
        return indexer.load(db, c);
    }

    /**
     * Reloads the index when the catalogue changed since the last load.
     *
     * @return true when a new index was swapped in
     */
    public synchronized boolean refresh() {
        long now = db.dataVersion();
        if (now == dataVersion) {
            return false;
        }
        dataVersion = now;
        index = load();
        schedule(index, precompute.afterReload());
        return true;
    }

    /**
     * Starts working out what queries on {@code idx} use (its words in memory, its same-item groups, then its
     * lookalike lists), dropping work on an older index.
     */
    private synchronized void schedule(VectorIndex idx, Duration wait) {
        if (pending != null) {
            pending.cancel(true);
            pending = null;
        }
        if (closed) {
            return;
        }
        boolean lists = precompute.size() > 0 && idx.size() > 0 && idx.size() <= precompute.maxPhotos()
                && idx.vectorsOnHeap();
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lookalike-lists");
                t.setDaemon(true);
                return t;
            });
        }
        pending = worker.submit(() -> {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return; // a newer index came, or the server stops
            }
            prepare(idx);
            if (!idx.checkDerivedFile()) {
                replaceDamaged(idx);
                return;
            }
            if (!lists || stopOrWait(idx)) {
                return;
            }
            long start = System.nanoTime();
            boolean done = idx.precomputeLookalikes(precompute.size(), () -> stopOrWait(idx));
            if (done) {
                LOG.log(System.Logger.Level.INFO, "lookalike lists of {0} photos ready in {1} ms", idx.size(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        });
    }

    /** Loads a new index in place of {@code idx}, whose derived vector file failed its checksum (and is gone). */
    private void replaceDamaged(VectorIndex idx) {
        synchronized (this) {
            if (closed || index != idx) {
                return;
            }
            try {
                index = load();
            } catch (RuntimeException e) {
                // keep serving: the next change of the catalogue tries again
                LOG.log(System.Logger.Level.ERROR, "cannot rebuild the damaged vector file: {0}", e.getMessage());
                return;
            }
        }
        LOG.log(System.Logger.Level.INFO, "the index was reloaded with a rebuilt vector file");
        schedule(index, Duration.ZERO);
    }

    /**
     * Works out, before the first query needs them, the two things every query on {@code idx} asks for: the
     * words index copied into memory and the same-item groups (each about a second per 20,000 products).
     */
    private void prepare(VectorIndex idx) {
        if (stopOrWait(idx)) {
            return;
        }
        long start = System.nanoTime();
        boolean copied;
        try {
            copied = service.prepareWords(idx);
        } catch (RuntimeException e) {
            // queries then ask FTS5 itself, which reports the same trouble to the shopper who meets it
            LOG.log(System.Logger.Level.WARNING, "words index not copied into memory: {0}", e.getMessage());
            copied = false;
        }
        long words = System.nanoTime();
        idx.sameItems();
        LOG.log(System.Logger.Level.INFO, "{0} products ready: words {1} ({2} ms), same-item groups {3} ms",
                idx.productTotal(), copied ? "in memory" : "in FTS5", (words - start) / 1_000_000,
                (System.nanoTime() - words) / 1_000_000);
    }

    public SearchService service() {
        return service;
    }

    public VectorIndex index() {
        return index;
    }

    public CatalogDb catalogue() {
        return db;
    }

    public String modelName() {
        return model.name();
    }

    /**
     * Between steps of the lookalike lists: true when the work is moot (closed, or a newer index);
     * otherwise first waits while the model works, so that a text query never shares its cores.
     */
    private boolean stopOrWait(VectorIndex idx) {
        try {
            while (model.busy() && !closed && index == idx) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            return true;
        }
        return closed || index != idx || Thread.currentThread().isInterrupted();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (worker != null) {
                worker.shutdownNow();
            }
        }
        model.close();
        db.close();
    }
}
