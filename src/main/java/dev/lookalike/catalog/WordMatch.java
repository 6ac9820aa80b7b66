package dev.lookalike.catalog;

import java.util.List;

/**
 * Why the words index found a product: which of its fields hold the query's words ({@code name},
 * {@code brand}, {@code category}, {@code description}, {@code sku}, in that order) and those words
 * as the product writes them ({@code [Hoodie, Luma]} for the query {@code luma hoodies}).
 */
public record WordMatch(List<String> fields, List<String> words) {

    public WordMatch {
        fields = List.copyOf(fields);
        words = List.copyOf(words);
    }
}
