package dev.lookalike.search;

import java.util.List;
import java.util.Map;

/**
 * How many results of the current query each filter value would give. Each dimension is counted with
 * every other filter applied but not its own, so the counts say what choosing another value gives
 * ("outlet.example (23)" while another shop is chosen). Items the shops sell under one group count once
 * per shop and brand they are offered under.
 *
 * @param shops  results per shop name, most first (ties by name)
 * @param brands results per brand, most first (ties by name)
 * @param prices results per price band, lowest band first; only bands that count anything
 */
public record FacetCounts(Map<String, Integer> shops, Map<String, Integer> brands, List<PriceBand> prices) {

    public static final FacetCounts NONE = new FacetCounts(Map.of(), Map.of(), List.of());

    /**
     * Prices from {@code min} (inclusive) to {@code max} (exclusive; null: no upper end).
     */
    public record PriceBand(double min, Double max, int count) {}

    public FacetCounts {
        shops = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(shops));
        brands = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(brands));
        prices = List.copyOf(prices);
    }
}
