package dev.lookalike.search;

import java.util.ArrayList;
import java.util.List;

/**
 * What a shopper can filter the searchable products by.
 *
 * @param shops      distinct shop names, sorted case-insensitively
 * @param brands     distinct brands, sorted case-insensitively
 * @param maxPrice   the highest price of any product, 0 when none has a price
 * @param priceEdges the lower ends of the price bands results are counted in, ascending, the first 0
 */
public record Facets(List<String> shops, List<String> brands, double maxPrice, List<Double> priceEdges) {
    public Facets {
        shops = List.copyOf(shops);
        brands = List.copyOf(brands);
        priceEdges = List.copyOf(priceEdges);
    }

    public Facets(List<String> shops, List<String> brands, double maxPrice) {
        this(shops, brands, maxPrice, priceEdges(maxPrice));
    }

    /**
     * Round price band edges for prices up to {@code max}: 0, then the last five of 1, 2.5, 5, 10, 25, 50,
     * 100, … below it, so a catalogue up to 80 gets 0–2.5, 2.5–5, 5–10, 10–25, 25–50 and 50 and more.
     */
    static List<Double> priceEdges(double max) {
        List<Double> nice = new ArrayList<>();
        for (double decade = 1; decade < max && decade < 1e12; decade *= 10) {
            for (double step : new double[] {1, 2.5, 5}) {
                double edge = decade * step;
                if (edge < max) {
                    nice.add(edge);
                }
            }
        }
        List<Double> edges = new ArrayList<>();
        edges.add(0.0);
        edges.addAll(nice.subList(Math.max(0, nice.size() - 5), nice.size()));
        return edges;
    }
}
