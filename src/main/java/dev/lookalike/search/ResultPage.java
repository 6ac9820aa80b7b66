package dev.lookalike.search;

import java.util.List;

/**
 * One page of results, best first, and whether a next page has any.
 *
 * @param results the matches of this page (possibly empty)
 * @param more    true when results rank below the last one of this page and above the relevance floor
 */
public record ResultPage(List<Match> results, boolean more) {
    public ResultPage {
        results = List.copyOf(results);
    }
}
