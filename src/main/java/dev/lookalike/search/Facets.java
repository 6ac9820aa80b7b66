package dev.lookalike.search;

import java.util.List;

/**
 * What a shopper can filter the searchable products by.
 *
 * @param shops    distinct shop names, sorted case-insensitively
 * @param brands   distinct brands, sorted case-insensitively
 * @param maxPrice the highest price of any product, 0 when none has a price
 */
public record Facets(List<String> shops, List<String> brands, double maxPrice) {
    public Facets {
        shops = List.copyOf(shops);
        brands = List.copyOf(brands);
    }
}
