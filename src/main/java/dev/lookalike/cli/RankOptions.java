package dev.lookalike.cli;

import dev.lookalike.search.Mode;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.Sort;
import picocli.CommandLine;

/** How results are ranked, ordered and cut: the API's mode, sort, floor and diverse, as options. */
class RankOptions {

    @CommandLine.Option(names = "--mode", paramLabel = "MODE",
            description = "What a text ranks by: both (the look and the words, fused), look, or words (default: both).")
    String mode;

    @CommandLine.Option(names = "--sort", paramLabel = "ORDER", defaultValue = "relevance",
            description = "relevance, price (lowest first) or -price (highest first), among the results that pass the relevance cut (default: ${DEFAULT-VALUE}).")
    String sort;

    @CommandLine.Option(names = "--all", description = "No relevance cut: looser matches follow the close ones (the API's floor=off).")
    boolean all;

    @CommandLine.Option(names = "--diverse", description = "Re-rank so that near-identical photos do not fill the list (maximal marginal relevance).")
    boolean diverse;

    SearchService.Query apply(SearchService.Query query) {
        try {
            if (mode != null && query.text() == null) {
                throw new SearchException("--mode picks what a text ranks by, and this query has no text: a "
                        + "product's lookalikes rank by look");
            }
            return query.with(mode == null ? Mode.BOTH : Mode.parse(mode), Sort.parse(sort), all, diverse);
        } catch (SearchException e) {
            throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
        }
    }
}
