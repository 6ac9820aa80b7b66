package dev.lookalike.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lookalike.search.FacetCounts;
import dev.lookalike.search.ResultPage;

import java.util.List;
import java.util.Map;

/**
 * A page of results, best first (or in the order asked for). {@code total} counts every result of the
 * query (items, after filters and the relevance cut); {@code next} is the URL of the next page, null on
 * the last; {@code looser} the URL of the same query without the relevance cut, only when that shows
 * more; {@code facets} how many results each shop, brand and price band would give; {@code product} the
 * product asked about, only for lookalikes.
 */
public record ApiResults(List<ApiResult> results, int total, int limit, int offset, String next,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String looser,
                         ApiFacets facets,
                         @JsonInclude(JsonInclude.Include.NON_NULL) ApiProduct product) {

    /** A filter value and how many results choosing it gives. */
    public record ApiCount(String value, int count) {}

    /** Prices from {@code min} up to, not including, {@code max} (null: no upper end). */
    public record ApiBand(double min, Double max, int count) {}

    /** Result counts per shop and brand (most first) and per price band (lowest first). */
    public record ApiFacets(List<ApiCount> shops, List<ApiCount> brands, List<ApiBand> prices) {
        static ApiFacets of(FacetCounts c) {
            return new ApiFacets(counts(c.shops()), counts(c.brands()),
                    c.prices().stream().map(b -> new ApiBand(b.min(), b.max(), b.count())).toList());
        }

        private static List<ApiCount> counts(Map<String, Integer> m) {
            return m.entrySet().stream().map(e -> new ApiCount(e.getKey(), e.getValue())).toList();
        }
    }

    static ApiResults of(ResultPage page, int limit, int offset, String next, String looser, ApiProduct product) {
        return new ApiResults(page.results().stream().map(ApiResult::of).toList(), page.total(), limit, offset,
                page.more() ? next : null, page.looser() ? looser : null, ApiFacets.of(page.counts()), product);
    }
}
