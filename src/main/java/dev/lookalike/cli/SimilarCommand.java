package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.search.Match;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.VectorIndex;
import dev.lookalike.web.Serving;
import picocli.CommandLine;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@CommandLine.Command(name = "similar", mixinStandardHelpOptions = true,
        description = "Products that look like PRODUCT_ID, best first, as JSON lines. Runs no model: "
                + "--model only picks the collection.")
class SimilarCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Parameters(paramLabel = "PRODUCT_ID", description = "The product's id (the id field of search's output).")
    String productId;

    @CommandLine.Option(names = "--limit", paramLabel = "N", defaultValue = "10",
            description = "Results at most, 1 to lookalike.web.max-page-size (100), as in the API (default: ${DEFAULT-VALUE}).")
    int limit;

    @CommandLine.Option(names = "--cheaper", description = "Only products cheaper than this one (same currency).")
    boolean cheaper;

    @CommandLine.Mixin
    RankOptions rank;

    @Override
    public Integer call() throws Exception {
        checkLimit(limit);
        try (CatalogDb db = openCatalogForReading()) {
            Collection c = pickCollection(db);
            VectorIndex index = Serving.indexer(serveConfig.search()).load(db, c);
            SearchService service = new SearchService(() -> index, () -> null, Serving.settings(serveConfig.search()),
                    db::photoErrors, db::words);
            SearchService.Query query = rank.apply(new SearchService.Query(null, productId.strip().toLowerCase(
                    java.util.Locale.ROOT), cheaper, SearchFilter.NONE));
            for (Match m : service.search(query, limit, 0).results()) {
                out.println(Json.line(Json.match(m)));
            }
        }
        return ExitCodes.OK;
    }

    /** With --model, that model's collection; without, the only one, else the default model's. */
    private Collection pickCollection(CatalogDb db) throws Exception {
        List<Collection> all = db.collections();
        if (all.isEmpty()) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "the catalogue " + catalogPath() + " has no vectors yet: run embed");
        }
        if (model == null && all.size() == 1) {
            return all.get(0);
        }
        String name = locator().nameOf(modelSpec());
        return db.findCollection(name).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
                "the catalogue has no vectors of model " + name + "; it has: "
                        + all.stream().map(Collection::name).collect(Collectors.joining(", "))));
    }
}
