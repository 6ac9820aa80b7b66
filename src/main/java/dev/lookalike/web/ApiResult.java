package dev.lookalike.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lookalike.search.Match;

/**
 * One product in a result list. {@code image} is this app's URL of the photo that matched best;
 * {@code saving} only appears for cheaper lookalikes.
 */
public record ApiResult(String id, String name, Double price, String currency, String url, String image, double score,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Double saving) {

    static ApiResult of(Match m) {
        return new ApiResult(m.product().id(), m.product().name(), m.product().price(), m.product().currency(),
                m.product().url(), Links.image(m.imageId()), Math.round(m.score() * 1e6) / 1e6, m.saving());
    }
}
