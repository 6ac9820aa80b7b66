package dev.lookalike.web;

import dev.lookalike.search.Mode;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.Sort;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

/** How results are ranked, ordered and cut, as query parameters; empty values take the defaults. */
public class RankParams {

    @RestQuery
    @Parameter(description = "What a text ranks by: both (default: the look and the words, fused), look, or words")
    public String mode;

    @RestQuery
    @Parameter(description = "relevance (default), price (lowest first) or -price (highest first); price order "
            + "applies to the results that pass the relevance cut")
    public String sort;

    @RestQuery
    @Parameter(description = "off: no relevance cut, so looser matches follow the close ones (default: on)")
    public String floor;

    @RestQuery
    @Parameter(description = "true: re-rank so that near-identical photos do not fill a page (maximal marginal relevance)")
    public String diverse;

    /**
     * @throws WebProblem 400 when a value is not one of those allowed
     */
    SearchService.Query apply(SearchService.Query query) {
        try {
            return query.with(Mode.parse(mode), Sort.parse(sort), floorOff(), Params.flag("diverse", diverse));
        } catch (SearchException e) {
            throw WebProblem.badRequest(e.getMessage());
        }
    }

    private boolean floorOff() {
        String f = Params.text(floor);
        if (f == null || f.equalsIgnoreCase("on") || f.equalsIgnoreCase("auto")) {
            return false;
        }
        if (f.equalsIgnoreCase("off")) {
            return true;
        }
        throw WebProblem.badRequest("floor must be on or off, got \"" + f + "\"");
    }
}
