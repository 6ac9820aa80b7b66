package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.WordMatch;

import java.util.List;

/**
 * One result.
 *
 * @param product       the product shown (the item's best-ranked offer)
 * @param imageId       the id of its photo that matched best (its first photo when the look was not asked)
 * @param score         the cosine of that photo with the query's look (0 when only the words were asked)
 * @param saving        for cheaper lookalikes, how much less it costs than the product asked about
 * @param savingPercent that saving as a percentage of the asked product's price
 * @param matched       why it is a result: "look" and/or "words"
 * @param words         which fields hold the query's words, and those words; null when none matched
 * @param offers        every shop's offer of this item, this product's included, cheapest first (offers in
 *                      another currency after); one entry when only one shop sells it
 * @param fromPrice     the lowest price among the offers in this product's currency, null when none has one
 * @param sameItem      for a product's lookalikes: true when this is the same item in another shop; null
 *                      for other queries
 */
public record Match(Product product, String imageId, float score, Double saving, Double savingPercent,
                    List<String> matched, WordMatch words, List<Offer> offers, Double fromPrice, Boolean sameItem) {

    public static final List<String> LOOK = List.of("look");
    public static final List<String> WORDS = List.of("words");
    public static final List<String> LOOK_AND_WORDS = List.of("look", "words");

    public Match {
        matched = List.copyOf(matched);
        offers = List.copyOf(offers);
    }

    /** A look match alone, its product its only offer. */
    public Match(Product product, String imageId, float score, Double saving) {
        this(product, imageId, score, saving, null, LOOK, null,
                List.of(new Offer(product.id(), product.shop(), product.price(), product.currency(), product.url())),
                product.price(), null);
    }
}
