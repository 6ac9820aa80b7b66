package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ClipModel;

import java.util.List;
import java.util.function.Supplier;

/**
 * Answers "products that look like this text" and "products that look like this product" from a
 * {@link VectorIndex}. The model is only needed for text; {@code similar} never runs it.
 */
public final class SearchService {

    private final Supplier<VectorIndex> index;
    private final Supplier<ClipModel> model;

    /**
     * @param index the current index (a supplier, so a server can swap in a reloaded one)
     * @param model the model for text queries, loaded on first use; may supply null when unavailable
     */
    public SearchService(Supplier<VectorIndex> index, Supplier<ClipModel> model) {
        this.index = index;
        this.model = model;
    }

    /** Products whose photos best match the text. */
    public List<Match> searchText(String text, SearchFilter filter, int limit, int offset) {
        if (text == null || text.isBlank()) {
            throw new SearchException("empty query: say what to look for, e.g. \"gold purple\"");
        }
        checkPage(limit, offset);
        ClipModel m = model.get();
        if (m == null) {
            throw new SearchException("no model to embed text with");
        }
        VectorIndex idx = index.get();
        float[] q = m.embedText(text);
        if (idx.size() > 0 && q.length != idx.dim()) {
            throw new SearchException("model " + m.name() + " makes " + q.length + "-dimensional vectors but the "
                    + "catalogue's are " + idx.dim());
        }
        return idx.search(q, filter, limit, offset);
    }

    /** Products whose photos best match a given vector (for example an uploaded photo's). */
    public List<Match> searchVector(float[] vector, SearchFilter filter, int limit, int offset) {
        checkPage(limit, offset);
        return index.get().search(vector, filter, limit, offset);
    }

    /**
     * Products that look like the given one (itself left out); with {@code cheaper}, only those with a
     * lower price in the same currency, each with its saving.
     *
     * @throws UnknownProductException when no product has that id
     * @throws SearchException when the product has no embedded photo, or no price for {@code cheaper}
     */
    public List<Match> similar(String productId, boolean cheaper, SearchFilter filter, int limit, int offset) {
        checkPage(limit, offset);
        VectorIndex idx = index.get();
        Product p = idx.product(productId).orElseThrow(() -> new UnknownProductException(productId));
        float[] q = idx.productVector(productId).orElseThrow(() -> new SearchException(
                "product " + productId + " has no embedded photo yet: run embed"));
        SearchFilter f = filter.excluding(productId);
        if (cheaper) {
            if (p.price() == null) {
                throw new SearchException("product " + productId + " has no price, so nothing is cheaper than it");
            }
            f = f.withCheaperThan(p.price(), p.currency(), productId);
        }
        return idx.search(q, f, limit, offset);
    }

    private static void checkPage(int limit, int offset) {
        if (limit < 1 || limit > 1000) {
            throw new SearchException("limit must be between 1 and 1000, got " + limit);
        }
        if (offset < 0) {
            throw new SearchException("offset must not be negative, got " + offset);
        }
    }
}
