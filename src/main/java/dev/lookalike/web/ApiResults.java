package dev.lookalike.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lookalike.search.ResultPage;

import java.util.List;

/**
 * A page of results, best first. {@code next} is the URL of the next page, null on the last;
 * {@code product} is the product asked about, only for lookalikes.
 */
public record ApiResults(List<ApiResult> results, int limit, int offset, String next,
                         @JsonInclude(JsonInclude.Include.NON_NULL) ApiProduct product) {

    static ApiResults of(ResultPage page, int limit, int offset, String next, ApiProduct product) {
        return new ApiResults(page.results().stream().map(ApiResult::of).toList(), limit, offset,
                page.more() ? next : null, product);
    }
}
