package dev.lookalike.search;

import dev.lookalike.catalog.Product;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which products may appear in results. Null fields do not filter. {@code cheaperThan} keeps only
 * products with a known price below it in {@code currency}; {@code exclude} drops one product id;
 * {@code within} keeps only the products it names (a style, or a place on the map: browse by style).
 */
public record SearchFilter(Double minPrice, Double maxPrice, String shop, String brand, String category,
                           Double cheaperThan, String currency, String exclude, Set<String> within) {

    public static final SearchFilter NONE = new SearchFilter(null, null, null, null, null, null, null, null);

    /** A filter over every product, {@code within} unset. */
    public SearchFilter(Double minPrice, Double maxPrice, String shop, String brand, String category,
                        Double cheaperThan, String currency, String exclude) {
        this(minPrice, maxPrice, shop, brand, category, cheaperThan, currency, exclude, null);
    }

    public SearchFilter {
        within = within == null ? null : Set.copyOf(within);
        if (minPrice != null && maxPrice != null && minPrice > maxPrice) {
            throw new IllegalArgumentException("min price " + minPrice + " is above max price " + maxPrice);
        }
        if (minPrice != null && (minPrice.isNaN() || minPrice < 0)) {
            throw new IllegalArgumentException("min price must be a number ≥ 0, got " + minPrice);
        }
        if (maxPrice != null && (maxPrice.isNaN() || maxPrice < 0)) {
            throw new IllegalArgumentException("max price must be a number ≥ 0, got " + maxPrice);
        }
    }

    public static SearchFilter prices(Double minPrice, Double maxPrice) {
        return new SearchFilter(minPrice, maxPrice, null, null, null, null, null, null);
    }

    public SearchFilter withCheaperThan(double price, String currencyOrNull, String excludeId) {
        return new SearchFilter(minPrice, maxPrice, shop, brand, category, price, currencyOrNull, excludeId, within);
    }

    public SearchFilter excluding(String productId) {
        return new SearchFilter(minPrice, maxPrice, shop, brand, category, cheaperThan, currency, productId, within);
    }

    /** This filter, keeping only the products with these ids. */
    public SearchFilter within(Set<String> productIds) {
        return new SearchFilter(minPrice, maxPrice, shop, brand, category, cheaperThan, currency, exclude, productIds);
    }

    /** True when the product passes every filter that is set. */
    public boolean accepts(Product p) {
        if (exclude != null && exclude.equals(p.id())) {
            return false;
        }
        if (within != null && !within.contains(p.id())) {
            return false;
        }
        boolean needsPrice = minPrice != null || maxPrice != null || cheaperThan != null;
        if (needsPrice && p.price() == null) {
            return false;
        }
        if (minPrice != null && p.price() < minPrice) {
            return false;
        }
        if (maxPrice != null && p.price() > maxPrice) {
            return false;
        }
        if (cheaperThan != null) {
            if (p.price() >= cheaperThan) {
                return false;
            }
            // a price in another currency is not comparable: never call it cheaper
            if (!Objects.equals(currency, p.currency())) {
                return false;
            }
        }
        return same(shop, p.shop()) && same(brand, p.brand()) && same(category, p.category());
    }

    private static boolean same(String wanted, String actual) {
        return wanted == null || (actual != null && actual.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT)));
    }
}
