package dev.lookalike.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lookalike.search.Match;
import dev.lookalike.search.Offer;

import java.util.List;

/**
 * One item in a result list: the product shown (the item's best-ranked offer) with this app's URL of
 * its photo that matched best, why it matched, and every shop's offer of it. {@code saving},
 * {@code saving_percent} and {@code same_item} only appear for a product's lookalikes; the
 * {@code matched_*} fields only when the query's words matched.
 */
public record ApiResult(String id, String name, Double price, String currency, String url, String image, double score,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Double saving,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("saving_percent") Double savingPercent,
                        List<String> matched,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("matched_fields") List<String> matchedFields,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("matched_words") List<String> matchedWords,
                        List<ApiOffer> offers,
                        @JsonProperty("from_price") Double fromPrice,
                        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("same_item") Boolean sameItem) {

    /** One shop's offer of the item: {@code product} is that shop's product id. */
    public record ApiOffer(String shop, Double price, String currency, String url, String product) {
        static ApiOffer of(Offer o) {
            return new ApiOffer(o.shop(), o.price(), o.currency(), o.url(), o.productId());
        }
    }

    /** A match as the API (and the command line) shows it. */
    public static ApiResult of(Match m) {
        return new ApiResult(m.product().id(), m.product().name(), m.product().price(), m.product().currency(),
                m.product().url(), Links.image(m.imageId()), Math.round(m.score() * 1e6) / 1e6, m.saving(),
                m.savingPercent(), m.matched(), m.words() == null ? null : m.words().fields(),
                m.words() == null ? null : m.words().words(), m.offers().stream().map(ApiOffer::of).toList(),
                m.fromPrice(), m.sameItem());
    }
}
