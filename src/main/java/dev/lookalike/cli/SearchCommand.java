package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.search.Match;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.VectorIndex;
import dev.lookalike.web.Serving;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "search", mixinStandardHelpOptions = true,
        description = "Products that match TEXT by look and words, best first, as JSON lines (the API's result objects).")
class SearchCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Parameters(paramLabel = "TEXT", arity = "1..*", description = "What to look for, e.g. gold purple.")
    String[] words;

    @CommandLine.Option(names = "--limit", paramLabel = "N", defaultValue = "10",
            description = "Results at most, 1 to lookalike.web.max-page-size (100), as in the API (default: ${DEFAULT-VALUE}).")
    int limit;

    @CommandLine.Option(names = "--min-price", paramLabel = "X", description = "Only products priced at least X.")
    Double minPrice;

    @CommandLine.Option(names = "--max-price", paramLabel = "X", description = "Only products priced at most X.")
    Double maxPrice;

    @CommandLine.Mixin
    RankOptions rank;

    @Override
    public Integer call() throws Exception {
        checkLimit(limit);
        SearchFilter filter = SearchFilter.prices(minPrice, maxPrice);
        try (CatalogDb db = openCatalogForReading(); ClipModel clip = loadModel()) {
            Collection c = db.findCollection(clip.name()).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
                    "the catalogue has no vectors of model " + clip.name() + ": run embed with this model first"));
            VectorIndex index = Serving.indexer(serveConfig.search()).load(db, c);
            // the server's settings, relevance floor included: the same query gives the same list as /api/search
            SearchService service = new SearchService(() -> index, () -> clip, Serving.settings(serveConfig.search()),
                    db::photoErrors, db::words);
            SearchService.Query query = rank.apply(new SearchService.Query(String.join(" ", words), null, false, filter));
            for (Match m : service.search(query, limit, 0).results()) {
                out.println(Json.line(Json.match(m)));
            }
        }
        return ExitCodes.OK;
    }
}
