package dev.lookalike.search;

import java.util.List;

/**
 * One page of results, best first (or in the order asked for).
 *
 * @param results the matches of this page (possibly empty); an item several shops sell appears once
 * @param more    true when results follow this page
 * @param total   how many results the query has in all (items, after the filters and the relevance cut)
 * @param counts  how many results each filter value would give
 * @param looser  true when the relevance cut left out weaker matches that {@code floor=off} would show
 */
public record ResultPage(List<Match> results, boolean more, int total, FacetCounts counts, boolean looser) {
    public ResultPage {
        results = List.copyOf(results);
    }

    /** A page without counts (browsing, tests). */
    public ResultPage(List<Match> results, boolean more) {
        this(results, more, results.size(), FacetCounts.NONE, false);
    }
}
