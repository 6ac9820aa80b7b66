package dev.lookalike.web;

import dev.lookalike.catalog.CatalogConfig;
import dev.lookalike.embed.ModelConfig;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.ScanSettings;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.VectorIndex;
import dev.lookalike.solr.SolrHttp;
import dev.lookalike.solr.SolrIndex;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Owns what the server serves: loads the catalogue, model and vectors on a background thread (so the
 * HTTP port opens at once and answers 503 until they are there), then checks the catalogue for changes
 * every reload interval. Everything else asks {@link #ready()}.
 */
@Singleton
public class Serving {

    private static final Logger LOG = Logger.getLogger(Serving.class);

    /** Where loading stands. */
    public enum Phase { IDLE, LOADING, READY, FAILED }

    /**
     * @param failure why loading failed (FAILED only), else null
     */
    public record Status(Phase phase, String message, Throwable failure) {}

    private final Callable<LiveSearch> loader;
    private final Duration reloadInterval;
    private final boolean loadOnStart;
    private final CompletableFuture<Status> loaded = new CompletableFuture<>();
    private volatile Status status = new Status(Phase.IDLE, "not started", null);
    private volatile LiveSearch live;
    private ScheduledExecutorService reloader;
    private boolean closed;

    @Inject
    Serving(CatalogConfig catalog, ModelConfig model, ServeConfig config) {
        this(() -> LiveSearch.open(catalog.catalog(), config.readOnly(), model.model(), model.modelCache(),
                        model.textPrecision(), ProgressListener.NONE, settings(config.search()),
                        precompute(config.search()), indexer(config)),
                config.web().reloadInterval(), config.web().loadOnStart());
    }

    Serving(Callable<LiveSearch> loader, Duration reloadInterval, boolean loadOnStart) {
        this.loader = loader;
        this.reloadInterval = reloadInterval;
        this.loadOnStart = loadOnStart;
    }

    /**
     * Where the look scores come from: the vectors in memory, or the SolrCloud collection of
     * {@code lookalike.solr.*}.
     *
     * @throws IllegalStateException when {@code lookalike.index=solr} lacks its URL or collection
     */
    static LiveSearch.Indexer indexer(ServeConfig config) {
        if (config.index() == ServeConfig.IndexKind.MEMORY) {
            // the server checks a warm vector file's rows after it is ready (LiveSearch), not before
            ScanSettings scan = scanSettings(config.search());
            return (db, collection) -> VectorIndex.load(db, collection, scan, true);
        }
        ServeConfig.Solr solr = config.solr();
        String url = solr.url().filter(urls -> !urls.isEmpty()).map(urls -> String.join(",", urls))
                .orElseThrow(() -> new IllegalStateException("lookalike.index=solr needs lookalike.solr.url "
                        + "(LOOKALIKE_SOLR_URL), the URL of one or more of the cluster's nodes"));
        String collection = solr.collection().filter(c -> !c.isBlank())
                .orElseThrow(() -> new IllegalStateException("lookalike.index=solr needs lookalike.solr.collection "
                        + "(LOOKALIKE_SOLR_COLLECTION), the collection lookalike solr push filled"));
        return SolrIndex.indexer(new SolrHttp(url, solr.timeout(), 3, Duration.ofMillis(250)), collection);
    }

    static LiveSearch.Precompute precompute(ServeConfig.Search s) {
        return new LiveSearch.Precompute(s.lookalikes(), s.lookalikesMaxPhotos(), s.lookalikesAfterReload());
    }

    /** The in-memory index, scanned as the settings say; the command line's search and similar load the same. */
    public static LiveSearch.Indexer indexer(ServeConfig.Search s) {
        ScanSettings scan = scanSettings(s);
        return (db, collection) -> VectorIndex.load(db, collection, scan);
    }

    static ScanSettings scanSettings(ServeConfig.Search s) {
        return new ScanSettings(s.scan(), s.scanThreshold(), s.scanCandidates(), s.scanInt8Copy());
    }

    /** The search settings the server uses; the command line's search and similar use the same. */
    public static SearchService.Settings settings(ServeConfig.Search s) {
        return new SearchService.Settings(s.negativeWeight(), s.likeTextWeight(), s.relativeFloor(), s.textCache(),
                s.resultCache());
    }

    void onStart(@Observes StartupEvent event) {
        if (loadOnStart) {
            start();
        }
    }

    /** Starts loading in the background; does nothing when loading has started already. */
    public synchronized void start() {
        if (status.phase() != Phase.IDLE || closed) {
            return;
        }
        status = new Status(Phase.LOADING, "loading the model and the catalogue's vectors; try again in a moment", null);
        Thread t = new Thread(this::load, "lookalike-load");
        t.setDaemon(true);
        t.start();
    }

    private void load() {
        long start = System.nanoTime();
        LiveSearch l;
        try {
            l = loader.call();
        } catch (Throwable e) {
            status = new Status(Phase.FAILED, "cannot serve: " + e.getMessage(), e);
            LOG.error(status.message());
            loaded.complete(status);
            return;
        }
        synchronized (this) {
            if (closed) {
                l.close();
                return;
            }
            live = l;
            status = new Status(Phase.READY, "serving " + l.index().productCount() + " products with "
                    + l.index().size() + " photos embedded by " + l.modelName(), null);
            reloader = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lookalike-reload");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(10, reloadInterval.toMillis());
            reloader.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
        }
        LOG.infof("%s (loaded in %.1f s)", status.message(), (System.nanoTime() - start) / 1e9);
        loaded.complete(status);
    }

    private void refresh() {
        try {
            LiveSearch l = live;
            if (l != null && l.refresh()) {
                status = new Status(Phase.READY, "serving " + l.index().productCount() + " products with "
                        + l.index().size() + " photos embedded by " + l.modelName(), null);
                LOG.infof("catalogue changed: %s", status.message());
            }
        } catch (RuntimeException e) {
            // keep serving the index we have; the next round tries again
            LOG.warnf("reloading the catalogue failed: %s", e.getMessage());
        }
    }

    /**
     * What to search with.
     *
     * @throws WebProblem 503 while loading, or when loading failed (saying why)
     */
    public LiveSearch ready() {
        LiveSearch l = live;
        if (l == null) {
            throw new WebProblem(503, status.message());
        }
        return l;
    }

    public Status status() {
        return status;
    }

    /** Waits until loading has finished, well or not; {@link #start()} must have been called. */
    public Status awaitLoaded() throws InterruptedException {
        try {
            return loaded.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (reloader != null) {
            reloader.shutdownNow();
        }
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
