package dev.lookalike.solr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lookalike.search.Eligible;
import dev.lookalike.search.RemoteLooks;
import dev.lookalike.search.Scan;
import dev.lookalike.search.VectorIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The look scores of a catalogue pushed to a SolrCloud collection ({@code lookalike solr push}): photo
 * documents' vectors searched by Lucene's HNSW graph through Solr's {@code knn} and
 * {@code vectorSimilarity} query parsers, one result per product by {@code collapse} on
 * {@code product_id} (documents are routed by product, so a product's photos share a shard). The
 * eligible products go as filter queries (Solr pre-filters the graph search with them), the relevance
 * cut as {@code minReturn}; what to show, the facets and the offers stay with {@link
 * dev.lookalike.search.SearchService}, as for the in-memory index.
 *
 * <p>Solr scores a {@code dot_product} field by Lucene's {@code VectorSimilarityFunction.DOT_PRODUCT},
 * {@code max(0, (1 + dot) / 2)}, so the dot product is {@code 2 · score − 1} (to about 1e-7) and a
 * threshold {@code t} is {@code minReturn = (1 + t) / 2}. The graph search is approximate: the products
 * it returns carry their exact scores, but one the graph misses is missing (measured recall in
 * SolrCloudIT).
 */
public final class SolrLooks implements RemoteLooks {

    /** One {@code /select} of the collection: form parameters in, Solr's JSON response out. */
    @FunctionalInterface
    public interface Select {
        JsonNode select(SolrParams params);

        /** Selects from {@code collection} through {@code http}. */
        static Select of(SolrHttp http, String collection) {
            return params -> http.select(collection, params.asMap());
        }
    }

    /** Between ids in a {@code terms} query: a control character no product or image id holds. */
    private static final String SEPARATOR = "\u001f";
    /** Photos asked of the graph per product wanted, at first: products have a few photos each. */
    private static final int PHOTOS_PER_PRODUCT = 4;
    /** Documents per page when reading many back (vectors, groups). */
    private static final int PAGE = 1000;

    private final VectorIndex index;
    private final Select solr;
    private final String model;

    /**
     * @param index the products and rows the answers are numbered in (a {@link VectorIndex#remote} index)
     * @param model the collection's model name, as the pushed documents' {@code model} field holds it
     */
    public SolrLooks(VectorIndex index, Select solr, String model) {
        this.index = index;
        this.solr = solr;
        this.model = model;
    }

    @Override
    public VectorIndex.ScoredProducts top(float[] query, int k, Eligible eligible) {
        int eligibleCount = eligibleCount(eligible);
        int want = Math.min(k, eligibleCount);
        long photos = Math.max(index.size(), 1);
        long topK = (long) Math.max(want, 1) * PHOTOS_PER_PRODUCT;
        while (true) {
            int asked = (int) Math.min(topK, photos);
            SolrParams p = photoQuery(eligible);
            p.add("q", "{!knn f=vector topK=" + asked + "}" + vector(query));
            p.add("rows", Integer.toString(asked));
            Hits hits = hits(solr.select(p), eligible);
            // fewer products than wanted while the graph had more photos to give: ask for more photos
            if (hits.size() >= want || asked >= photos) {
                return hits.scored(Math.min(k, hits.size()), eligibleCount);
            }
            topK *= 4;
        }
    }

    @Override
    public VectorIndex.ScoredProducts atLeast(float[] query, float threshold, Eligible eligible) {
        int eligibleCount = eligibleCount(eligible);
        SolrParams p = photoQuery(eligible);
        if (threshold == Float.NEGATIVE_INFINITY) {
            // every eligible product: the graph search is exhaustive, but Solr needs no threshold for that
            p.add("q", "{!knn f=vector topK=" + Math.max(index.size(), 1) + "}" + vector(query));
        } else {
            float minReturn = Math.max(0f, (1 + threshold) / 2);
            // the traversal goes a little below the results' similarity, so that the graph's paths to
            // them through weaker neighbours stay open (Lucene's VectorSimilarityQuery's advice)
            float minTraverse = Math.max(0f, minReturn - 0.05f);
            p.add("q", "{!vectorSimilarity f=vector minReturn=" + minReturn + " minTraverse=" + minTraverse + "}"
                    + vector(query));
        }
        p.add("rows", Integer.toString(Math.max(eligibleCount, 1)));
        Hits hits = hits(solr.select(p), eligible);
        int n = 0;
        while (n < hits.size() && hits.scores.get(n) >= threshold) {
            n++;
        }
        return hits.scored(n, eligibleCount);
    }

    @Override
    public void score(float[] query, int[] products, float[] best, int[] bestRow) {
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        Arrays.fill(bestRow, -1);
        if (products.length == 0) {
            return;
        }
        Map<String, Integer> at = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < products.length; i++) {
            String id = index.productId(products[i]);
            at.put(id, i);
            ids.add(id);
        }
        SolrParams p = base();
        p.add("q", "*:*");
        p.add("fq", "type:photo");
        p.add("ll.ids", String.join(SEPARATOR, ids));
        p.add("fq", "{!terms f=product_id separator=$ll.sep v=$ll.ids}");
        p.add("fl", "product_id,image_id,vector");
        forEachDoc(p, doc -> {
            Integer i = at.get(doc.path("product_id").asText());
            int row = index.rowOf(doc.path("image_id").asText());
            if (i == null || row < 0) {
                return;
            }
            float s = Scan.dot(query, 0, floats(doc.path("vector")), 0, query.length);
            // as the in-memory index: the best photo, the smaller row on a tie
            if (bestRow[i] < 0 || s > best[i] || (s == best[i] && row < bestRow[i])) {
                best[i] = s;
                bestRow[i] = row;
            }
        });
    }

    @Override
    public float[][] rowVectors(int[] rows) {
        float[][] out = new float[rows.length][];
        Map<String, List<Integer>> wanted = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i++) {
            int[] ps = index.productsOfRow(rows[i]);
            if (ps.length == 0) {
                throw new IllegalArgumentException("row " + rows[i] + " is a photo no product shows");
            }
            wanted.computeIfAbsent(SolrDocuments.photoDocId(index.productId(ps[0]), index.imageIdOfRow(rows[i])),
                    k -> new ArrayList<>()).add(i);
        }
        SolrParams p = base();
        p.add("q", "*:*");
        p.add("ll.ids", String.join(SEPARATOR, wanted.keySet()));
        p.add("fq", "{!terms f=id separator=$ll.sep v=$ll.ids}");
        p.add("fl", "id,vector");
        forEachDoc(p, doc -> {
            List<Integer> is = wanted.get(doc.path("id").asText());
            if (is != null) {
                float[] v = floats(doc.path("vector"));
                for (int i : is) {
                    out[i] = v;
                }
            }
        });
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                throw new SolrException(404, "the collection has no photo document for row " + rows[i]
                        + "; push the catalogue again");
            }
        }
        return out;
    }

    @Override
    public Optional<float[]> productVector(int p) {
        SolrParams q = base();
        q.add("q", "*:*");
        q.add("ll.doc", SolrDocuments.productDocId(index.productId(p)));
        q.add("fq", "{!term f=id v=$ll.doc}");
        q.add("fl", "vector");
        q.add("rows", "1");
        JsonNode docs = solr.select(q).path("response").path("docs");
        return docs.isEmpty() ? Optional.empty() : Optional.of(floats(docs.get(0).path("vector")));
    }

    @Override
    public String[] groups() {
        String[] keys = new String[index.productTotal()];
        for (int p = 0; p < keys.length; p++) {
            keys[p] = "\u0000" + index.productId(p); // a group of its own unless Solr says otherwise
        }
        SolrParams q = base();
        q.add("q", "*:*");
        q.add("fq", "type:product");
        q.add("fl", "product_id,group_id");
        forEachDoc(q, doc -> {
            int p = index.indexOf(doc.path("product_id").asText());
            if (p >= 0 && doc.hasNonNull("group_id")) {
                keys[p] = doc.path("group_id").asText();
            }
        });
        return keys;
    }

    // ---------------------------------------------------------------- requests

    private SolrParams base() {
        return new SolrParams().add("wt", "json").add("ll.sep", SEPARATOR).add("ll.model", model)
                .add("fq", "{!term f=model v=$ll.model}");
    }

    /** Photo documents of the eligible products, best per product, with what a hit needs. */
    private SolrParams photoQuery(Eligible eligible) {
        SolrParams p = base();
        p.add("fq", "type:photo");
        if (!eligible.out().isEmpty()) {
            p.add("ll.out", ids(eligible.out()));
            p.add("ll.outq", "{!terms f=product_id separator=$ll.sep v=$ll.out}");
            p.add("fq", "{!bool filter=type:photo must_not=$ll.outq}");
        }
        if (eligible.in() != null) {
            p.add("ll.in", ids(eligible.in()));
            p.add("fq", "{!terms f=product_id separator=$ll.sep v=$ll.in}");
        }
        p.add("fq", "{!collapse field=product_id}");
        p.add("fl", "product_id,image_id,score");
        return p;
    }

    private String ids(java.util.BitSet products) {
        StringBuilder sb = new StringBuilder();
        for (int p = products.nextSetBit(0); p >= 0; p = products.nextSetBit(p + 1)) {
            if (p < index.productTotal()) {
                if (!sb.isEmpty()) {
                    sb.append(SEPARATOR);
                }
                sb.append(index.productId(p));
            }
        }
        // a terms query needs a term: an id no product has
        return sb.isEmpty() ? SEPARATOR + "none" : sb.toString();
    }

    private int eligibleCount(Eligible eligible) {
        int n = 0;
        for (int p = 0; p < index.productTotal(); p++) {
            if (index.hasPhoto(p) && eligible.test(p)) {
                n++;
            }
        }
        return n;
    }

    /** Each page of a query's documents in id order (a cursor, so deep pages cost no more than the first). */
    private void forEachDoc(SolrParams params, java.util.function.Consumer<JsonNode> each) {
        String cursor = "*";
        while (true) {
            SolrParams p = params.copy().set("sort", "id asc").set("rows", Integer.toString(PAGE))
                    .set("cursorMark", cursor);
            JsonNode r = solr.select(p);
            for (JsonNode doc : r.path("response").path("docs")) {
                each.accept(doc);
            }
            String next = r.path("nextCursorMark").asText(cursor);
            if (next.equals(cursor)) {
                return;
            }
            cursor = next;
        }
    }

    // ---------------------------------------------------------------- answers

    /** Products in the order Solr ranked them, each once, with its best photo. */
    private final class Hits {
        final List<Integer> products = new ArrayList<>();
        final List<Integer> rows = new ArrayList<>();
        final List<Float> scores = new ArrayList<>();

        int size() {
            return products.size();
        }

        VectorIndex.ScoredProducts scored(int n, int eligibleCount) {
            int[] ps = new int[n];
            int[] rs = new int[n];
            float[] ss = new float[n];
            for (int i = 0; i < n; i++) {
                ps[i] = products.get(i);
                rs[i] = rows.get(i);
                ss[i] = scores.get(i);
            }
            return new VectorIndex.ScoredProducts(ps, rs, ss, n, eligibleCount);
        }
    }

    private Hits hits(JsonNode response, Eligible eligible) {
        record Hit(int product, int row, float score) {}
        List<Hit> all = new ArrayList<>();
        Map<Integer, Integer> seen = new HashMap<>();
        for (JsonNode doc : response.path("response").path("docs")) {
            int p = index.indexOf(doc.path("product_id").asText());
            int row = index.rowOf(doc.path("image_id").asText());
            // a document the catalogue no longer has (pushed before a change) is no answer
            if (p < 0 || row < 0 || !index.hasPhoto(p) || !eligible.test(p)) {
                continue;
            }
            float score = 2 * (float) doc.path("score").asDouble() - 1;
            Integer before = seen.get(p);
            if (before == null) {
                seen.put(p, all.size());
                all.add(new Hit(p, row, score));
            } else if (score > all.get(before).score()) {
                all.set(before, new Hit(p, row, score)); // a photo of the same product from another shard
            }
        }
        // best first, ties to the smaller product index, as the in-memory scan orders them
        all.sort((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score())
                : Integer.compare(a.product(), b.product()));
        Hits h = new Hits();
        for (Hit hit : all) {
            h.products.add(hit.product());
            h.rows.add(hit.row());
            h.scores.add(hit.score());
        }
        return h;
    }

    private static String vector(float[] v) {
        StringBuilder sb = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v[i]);
        }
        return sb.append(']').toString();
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }
}
