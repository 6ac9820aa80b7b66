package dev.lookalike.solr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.search.VectorIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Publishes one collection of the catalogue to a SolrCloud collection, sending only what changed.
 *
 * <p>The catalogue remembers, per target (Solr URL and collection), the hash of every document Solr acknowledged
 * ({@code solr_pushed}). A push creates the collection when absent (uploading the {@code lookalike} configset),
 * aligns its schema ({@link SolrSchema#align}), builds every document ({@link SolrDocuments}), sends those whose
 * hash differs from the recorded one in batches, deletes those no longer in the catalogue, records each batch
 * once Solr has acknowledged it, and commits at the end. A push that is killed leaves every acknowledged batch
 * recorded, so the next one resumes; it commits first, so that what Solr acknowledged but never committed
 * counts. When Solr's count of the collection's documents of this model differs from the record (the
 * collection was recreated, another tool changed it, a batch was applied but not recorded), the record is
 * rebuilt from the ids Solr holds: documents Solr lacks are sent again, documents Solr holds but the record
 * does not are sent again or deleted.
 */
public final class SolrPush {

    /** What the command line chooses: the new collection's shape and the documents per request. */
    public record Options(int shards, int replicas, int batch) {
        public Options {
            if (shards < 1 || replicas < 1 || batch < 1) {
                throw new IllegalArgumentException("--shards, --replicas and --batch must be at least 1");
            }
        }
    }

    /**
     * What a push did: {@code documents} the catalogue's documents now, {@code sent} added or replaced,
     * {@code deleted} removed from Solr, {@code unchanged} left as they were.
     */
    public record Summary(String collection, long documents, long sent, long deleted, long unchanged, double seconds,
                          boolean created, List<String> schemaChanges) {}

    /** A document id Solr holds whose hash the record does not know: sent again if it is still current. */
    private static final String UNKNOWN = "";

    private static final int ID_PAGE = 1000;

    private SolrPush() {}

    /** The key of a push target in {@code solr_pushed}: the normalised Solr URL, a space, the collection. */
    public static String target(SolrHttp solr, String collection) {
        return solr.baseUrl() + " " + collection;
    }

    /**
     * Pushes {@code vectors} of {@code db} to the Solr collection {@code collection}.
     *
     * @param progress told of the products done out of the products with photos
     * @throws SolrException     when Solr cannot be reached or refuses a request
     * @throws SolrPushException when the collection's vectors have another length
     */
    public static Summary run(CatalogDb db, Collection vectors, SolrHttp solr, String collection, Options options,
                              ProgressListener progress) {
        long start = System.nanoTime();
        VectorIndex index = VectorIndex.load(db, vectors);
        List<Product> products = index.productsWithPhotos();
        String model = vectors.name();

        boolean created = false;
        if (!solr.collections().contains(collection)) {
            if (!solr.configSets().contains(SolrSchema.CONFIGSET)) {
                solr.uploadConfigSet(SolrSchema.CONFIGSET, SolrSchema.configSetZip());
            }
            // a product's documents share a shard: collapsing its photos to one result (SolrLooks) needs them together
            solr.createCollection(collection, SolrSchema.CONFIGSET, options.shards(), options.replicas(), "product_id");
            created = true;
        }
        List<String> schemaChanges = index.dim() == 0 ? List.of() : SolrSchema.align(solr, collection, index.dim());

        String target = target(solr, collection);
        // what an earlier, killed push had acknowledged but not committed becomes visible, and so countable
        solr.commit(collection);
        Map<String, String> pushed = new HashMap<>(db.solrPushed().hashes(target));
        String ofModel = "{!term f=model}" + model;
        long inSolr = solr.count(collection, "*:*", ofModel);
        if (inSolr != pushed.size()) {
            pushed = reconcile(db, solr, collection, target, ofModel, pushed);
        }

        Batch batch = new Batch(db, solr, collection, target, options.batch());
        Set<String> current = new HashSet<>();
        long unchanged = 0;
        int done = 0;
        SolrDocuments documents = new SolrDocuments(index, model);
        progress.progress(0, products.size());
        for (Product p : products) {
            for (SolrDocuments.Doc d : documents.of(p)) {
                current.add(d.id());
                if (d.hash().equals(pushed.get(d.id()))) {
                    unchanged++;
                } else {
                    batch.add(d);
                }
            }
            progress.progress(++done, products.size());
        }
        for (String id : pushed.keySet()) {
            if (!current.contains(id)) {
                batch.delete(id);
            }
        }
        batch.flush();
        solr.commit(collection);
        return new Summary(collection, current.size(), batch.sent, batch.deleted, unchanged,
                (System.nanoTime() - start) / 1e9, created, schemaChanges);
    }

    /**
     * The record made true to Solr: ids the record has and Solr lacks are forgotten (so sent again), ids Solr
     * has and the record lacks are added with an unknown hash (so sent again, or deleted when gone).
     */
    private static Map<String, String> reconcile(CatalogDb db, SolrHttp solr, String collection, String target,
                                                 String ofModel, Map<String, String> pushed) {
        Set<String> inSolr = new HashSet<>();
        String cursor = "*";
        while (true) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("q", "*:*");
            params.put("fq", ofModel);
            params.put("fl", "id");
            params.put("sort", "id asc");
            params.put("rows", String.valueOf(ID_PAGE));
            params.put("cursorMark", cursor);
            JsonNode answer = solr.select(collection, params);
            for (JsonNode doc : answer.path("response").path("docs")) {
                inSolr.add(doc.path("id").asText());
            }
            String next = answer.path("nextCursorMark").asText(cursor);
            if (next.equals(cursor)) {
                break;
            }
            cursor = next;
        }
        List<String> lost = new ArrayList<>();
        for (String id : pushed.keySet()) {
            if (!inSolr.contains(id)) {
                lost.add(id);
            }
        }
        db.solrPushed().record(target, Map.of(), lost);
        Map<String, String> out = new HashMap<>(pushed);
        lost.forEach(out::remove);
        for (String id : inSolr) {
            out.putIfAbsent(id, UNKNOWN);
        }
        return out;
    }

    /** Documents and deletions waiting to go, sent as one request when {@code size} have gathered. */
    private static final class Batch {
        private final CatalogDb db;
        private final SolrHttp solr;
        private final String collection;
        private final String target;
        private final int size;
        private final List<ObjectNode> docs = new ArrayList<>();
        private final Map<String, String> hashes = new LinkedHashMap<>();
        private final List<String> deletes = new ArrayList<>();
        long sent;
        long deleted;

        Batch(CatalogDb db, SolrHttp solr, String collection, String target, int size) {
            this.db = db;
            this.solr = solr;
            this.collection = collection;
            this.target = target;
            this.size = size;
        }

        void add(SolrDocuments.Doc d) {
            docs.add(d.json());
            hashes.put(d.id(), d.hash());
            if (docs.size() + deletes.size() >= size) {
                flush();
            }
        }

        void delete(String id) {
            deletes.add(id);
            if (docs.size() + deletes.size() >= size) {
                flush();
            }
        }

        /** Sends what is waiting and, once Solr has acknowledged it, records it. */
        void flush() {
            if (docs.isEmpty() && deletes.isEmpty()) {
                return;
            }
            solr.update(collection, docs, deletes);
            db.solrPushed().record(target, hashes, deletes);
            sent += docs.size();
            deleted += deletes.size();
            docs.clear();
            hashes.clear();
            deletes.clear();
        }
    }
}
