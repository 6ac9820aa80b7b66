package dev.lookalike.solr;

import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.VectorIndex;

/**
 * Serving from a SolrCloud collection ({@code lookalike.index=solr}): each index of the catalogue is made
 * {@link VectorIndex#remote remote}, its products and photos from the catalogue, its look scores from the
 * collection {@code lookalike solr push} filled ({@link SolrLooks}).
 */
public final class SolrIndex {

    private SolrIndex() {}

    /**
     * An indexer for {@link LiveSearch} that asks {@code collection} through {@code http}; before the first
     * index it checks that the collection answers and holds the catalogue's model, so that a server
     * pointed at the wrong place fails at start with the reason rather than answering nothing.
     *
     * @throws SolrException when Solr cannot be reached or the collection does not exist
     */
    public static LiveSearch.Indexer indexer(SolrHttp http, String collection) {
        return (db, c) -> {
            long photos = http.count(collection, "type:photo", "{!term f=model}" + c.name());
            if (photos == 0 && c.id() >= 0) {
                System.getLogger(SolrIndex.class.getName()).log(System.Logger.Level.WARNING,
                        "Solr collection {0} holds no photo embedded by {1}: run lookalike solr push", collection,
                        c.name());
            }
            return VectorIndex.remote(db, c, idx -> new SolrLooks(idx, SolrLooks.Select.of(http, collection),
                    c.name()));
        };
    }
}
