package dev.lookalike.search;

import java.util.Locale;

/**
 * The order of results: by relevance (the default), or by price, lowest ({@code price}) or highest
 * ({@code -price}) first. Price order applies to the results that pass the relevance cut, never to the
 * whole catalogue; products without a price come last.
 */
public enum Sort {
    RELEVANCE("relevance"), PRICE("price"), PRICE_DESC("-price");

    private final String label;

    Sort(String label) {
        this.label = label;
    }

    /** The order named {@code relevance}, {@code price} or {@code -price}; null or blank is relevance. */
    public static Sort parse(String name) {
        if (name == null || name.isBlank()) {
            return RELEVANCE;
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Sort s : values()) {
            if (s.label.equals(n)) {
                return s;
            }
        }
        throw new SearchException("sort must be relevance, price or -price, got \"" + name.strip() + "\"");
    }

    public String label() {
        return label;
    }
}
