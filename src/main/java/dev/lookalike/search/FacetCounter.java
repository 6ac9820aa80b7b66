package dev.lookalike.search;

import dev.lookalike.catalog.Product;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Counts a query's candidates per shop, brand and price band, each dimension with every filter but its
 * own (see {@link FacetCounts}).
 */
final class FacetCounter {

    private final SearchFilter filter;
    private final double[] edges;
    private final Map<String, int[]> shops = new HashMap<>();
    private final Map<String, int[]> brands = new HashMap<>();
    private final int[] bands;

    FacetCounter(SearchFilter filter, List<Double> priceEdges) {
        this.filter = filter;
        this.edges = priceEdges.stream().mapToDouble(Double::doubleValue).toArray();
        this.bands = new int[edges.length];
    }

    /** Counts one candidate. */
    void count(Product p) {
        if (filter.exclude() != null && filter.exclude().equals(p.id())
                || filter.within() != null && !filter.within().contains(p.id())) {
            return;
        }
        boolean shop = same(filter.shop(), p.shop());
        boolean brand = same(filter.brand(), p.brand());
        boolean category = same(filter.category(), p.category());
        boolean price = priceOk(p);
        if (brand && category && price && p.shop() != null && !p.shop().isBlank()) {
            shops.computeIfAbsent(p.shop(), k -> new int[1])[0]++;
        }
        if (shop && category && price && p.brand() != null && !p.brand().isBlank()) {
            brands.computeIfAbsent(p.brand(), k -> new int[1])[0]++;
        }
        if (shop && brand && category && cheaperOk(p) && p.price() != null) {
            int band = 0;
            while (band + 1 < edges.length && p.price() >= edges[band + 1]) {
                band++;
            }
            bands[band]++;
        }
    }

    FacetCounts result() {
        List<FacetCounts.PriceBand> prices = new ArrayList<>();
        for (int i = 0; i < edges.length; i++) {
            if (bands[i] > 0) {
                prices.add(new FacetCounts.PriceBand(edges[i], i + 1 < edges.length ? edges[i + 1] : null, bands[i]));
            }
        }
        return new FacetCounts(sorted(shops), sorted(brands), prices);
    }

    private static Map<String, Integer> sorted(Map<String, int[]> counts) {
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, int[]>>comparingInt(e -> -e.getValue()[0])
                        .thenComparing(Map.Entry::getKey, String.CASE_INSENSITIVE_ORDER))
                .forEach(e -> out.put(e.getKey(), e.getValue()[0]));
        return out;
    }

    private boolean priceOk(Product p) {
        boolean needsPrice = filter.minPrice() != null || filter.maxPrice() != null;
        if (needsPrice && p.price() == null) {
            return false;
        }
        return (filter.minPrice() == null || p.price() >= filter.minPrice())
                && (filter.maxPrice() == null || p.price() <= filter.maxPrice()) && cheaperOk(p);
    }

    private boolean cheaperOk(Product p) {
        if (filter.cheaperThan() == null) {
            return true;
        }
        return p.price() != null && p.price() < filter.cheaperThan()
                && java.util.Objects.equals(filter.currency(), p.currency());
    }

    private static boolean same(String wanted, String actual) {
        return wanted == null || (actual != null && actual.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT)));
    }
}
