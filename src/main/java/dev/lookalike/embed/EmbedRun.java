package dev.lookalike.embed;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.PendingImage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Embeds every image of the catalogue that the model's collection lacks. Work is committed a batch at
 * a time, so a killed run loses at most the batch in flight and the next run picks up the rest. Images
 * that do not decode get {@code images.error} and are skipped from then on. Decoding and
 * preprocessing of the next batch run on worker threads while the model works on the current one.
 */
public final class EmbedRun {

    /** What a run did; {@code skipped} counts images already embedded or known to be bad. */
    public record Summary(String collection, int embedded, int skipped, int failed, double seconds,
                          double imagesPerSecond) {}

    private final CatalogDb db;
    private final ClipModel model;
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final int batchSize;
    private final int workers;

    public EmbedRun(CatalogDb db, ClipModel model, ImageDecoder decoder, int batchSize, int workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.db = db;
        this.model = model;
        this.decoder = decoder;
        this.preprocessor = new ImagePreprocessor(model.imageSpec());
        this.batchSize = batchSize;
        this.workers = Math.max(1, workers);
    }

    /** One image's outcome: pixels, or the reason it cannot be used. */
    private record Prepared(PendingImage image, float[] pixels, String error) {}

    /**
     * Runs to the end.
     *
     * @throws EmbeddingException when the model itself fails; batches done so far stay stored
     */
    public Summary run(ProgressListener progress) {
        Collection collection = db.collection(model.name(), model.name());
        int pending = db.countPending(collection.id());
        int skipped = db.countImages() - pending;
        int embedded = 0;
        int failed = 0;
        long start = System.nanoTime();
        progress.progress(0, pending);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "embed-preprocess");
            t.setDaemon(true);
            return t;
        });
        try {
            List<PendingImage> batch = db.pendingImages(collection.id(), null, batchSize);
            List<Future<Prepared>> current = submit(pool, batch);
            while (!batch.isEmpty()) {
                String last = batch.get(batch.size() - 1).id();
                List<PendingImage> nextBatch = db.pendingImages(collection.id(), last, batchSize);
                List<Future<Prepared>> next = submit(pool, nextBatch);

                List<Prepared> ready = new ArrayList<>();
                for (Future<Prepared> f : current) {
                    ready.add(join(f));
                }
                List<Prepared> good = new ArrayList<>();
                for (Prepared p : ready) {
                    if (p.error() != null) {
                        db.markImageError(p.image().id(), p.error());
                        failed++;
                    } else {
                        good.add(p);
                    }
                }
                if (!good.isEmpty()) {
                    float[][] vectors = model.embedPixels(good.stream().map(Prepared::pixels).toList());
                    List<NewVector> rows = new ArrayList<>(good.size());
                    for (int i = 0; i < good.size(); i++) {
                        PendingImage img = good.get(i).image();
                        rows.add(new NewVector(img.id(), vectors[i], CatalogDb.md5(img.bytes()), null));
                    }
                    db.saveVectors(collection.id(), rows);
                    embedded += rows.size();
                }
                progress.progress(embedded + failed, pending);
                batch = nextBatch;
                current = next;
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Summary(collection.name(), embedded, skipped, failed, seconds,
                seconds > 0 ? embedded / seconds : 0);
    }

    private List<Future<Prepared>> submit(ExecutorService pool, List<PendingImage> batch) {
        List<Future<Prepared>> out = new ArrayList<>(batch.size());
        for (PendingImage img : batch) {
            out.add(pool.submit(() -> prepare(img)));
        }
        return out;
    }

    private Prepared prepare(PendingImage img) {
        try {
            DecodedImage decoded = decoder.decode(img.bytes());
            return new Prepared(img, preprocessor.pixels(decoded.image()), null);
        } catch (ImageDecodeException e) {
            return new Prepared(img, null, e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            return new Prepared(img, null, "cannot preprocess image: " + e);
        }
    }

    private static Prepared join(Future<Prepared> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("embed run interrupted", e);
        } catch (ExecutionException e) {
            throw new EmbeddingException("preprocessing failed: " + e.getCause(), e.getCause());
        }
    }
}
