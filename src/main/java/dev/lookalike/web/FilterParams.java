package dev.lookalike.web;

import dev.lookalike.search.SearchFilter;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

/** The product filters every search takes, as query parameters; empty values do not filter. */
public class FilterParams {

    @RestQuery("min_price")
    @Parameter(description = "Lowest price (products without a price are left out when set)")
    public String minPrice;

    @RestQuery("max_price")
    @Parameter(description = "Highest price (products without a price are left out when set)")
    public String maxPrice;

    @RestQuery
    @Parameter(description = "Only this shop (case-insensitive)")
    public String shop;

    @RestQuery
    @Parameter(description = "Only this brand (case-insensitive)")
    public String brand;

    @RestQuery
    @Parameter(description = "Only this category (case-insensitive)")
    public String category;

    /**
     * @throws WebProblem 400 when a price is not a number or the range is upside down
     */
    SearchFilter toFilter() {
        try {
            return new SearchFilter(Params.price("min_price", minPrice), Params.price("max_price", maxPrice),
                    Params.text(shop), Params.text(brand), Params.text(category), null, null, null);
        } catch (IllegalArgumentException e) {
            throw WebProblem.badRequest(e.getMessage());
        }
    }
}
