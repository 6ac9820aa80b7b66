package dev.lookalike.catalog;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words side of search, as search asks it: {@link ProductWords} answers from the FTS5 index on disk,
 * {@link WordIndex} from a copy of that index's postings in memory. Both find the same products for the
 * same terms; {@link ProductWords} documents what each method means.
 */
public interface WordSearch {

    /** See {@link ProductWords#search}. */
    List<WordHit> search(List<String> wanted, List<String> required, List<String> unwanted, int limit);

    /** See {@link ProductWords#containingAll}. */
    Set<String> containingAll(List<String> phrases);

    /** See {@link ProductWords#containingAny}. */
    Set<String> containingAny(List<String> words);

    /** See {@link ProductWords#explain}. */
    Map<String, WordMatch> explain(List<String> wanted, Collection<String> productIds);

    /** See {@link ProductWords#exact}. */
    List<String> exact(String text);
}
