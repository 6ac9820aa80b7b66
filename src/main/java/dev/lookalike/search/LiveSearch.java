package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.ModelLocator;
import dev.lookalike.embed.ProgressListener;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A catalogue, its serving model and the in-memory index of that model's vectors, kept current: when
 * another process ({@code embed}, {@code import}) commits to the catalogue, {@link #refresh()} builds a
 * new index and swaps it in; searches running meanwhile finish on the old one. Owns the catalogue
 * connection and the model and closes them, model first.
 */
public final class LiveSearch implements AutoCloseable {

    private final CatalogDb db;
    private final ClipModel model;
    private final SearchService service;
    private volatile VectorIndex index;
    private long dataVersion;

    private LiveSearch(CatalogDb db, ClipModel model, SearchService.Settings settings) {
        this.db = db;
        this.model = model;
        this.dataVersion = db.dataVersion();
        this.index = load(db, model.name());
        this.service = new SearchService(() -> index, () -> model, settings);
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
                                  ProgressListener download, SearchService.Settings settings) throws ModelLoadException {
        if (!Files.isRegularFile(catalogue)) {
            throw new SearchException("catalogue " + catalogue + " does not exist: import a shop into it first");
        }
        Path folder = catalogue.toAbsolutePath().getParent();
        boolean writable = Files.isWritable(catalogue) && (folder == null || Files.isWritable(folder));
        CatalogDb db = readOnly || !writable ? CatalogDb.openReadOnly(catalogue) : CatalogDb.open(catalogue);
        ClipModel model = null;
        try {
            model = new ModelLocator(modelCache, download).load(modelSpec);
            return new LiveSearch(db, model, settings);
        } catch (ModelLoadException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            db.close();
            throw e;
        }
    }

    /** Serves an already open catalogue and model; this object owns and closes both. */
    public static LiveSearch of(CatalogDb db, ClipModel model, SearchService.Settings settings) {
        return new LiveSearch(db, model, settings);
    }

    private static VectorIndex load(CatalogDb db, String collection) {
        // a catalogue not embedded with this model yet still lists its products, with no vectors
        Collection c = db.findCollection(collection).orElse(new Collection(-1, collection, null));
        return VectorIndex.load(db, c);
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
        index = load(db, model.name());
        return true;
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

    @Override
    public void close() {
        model.close();
        db.close();
    }
}
