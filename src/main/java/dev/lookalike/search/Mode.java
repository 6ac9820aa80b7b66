package dev.lookalike.search;

import java.util.Locale;

/**
 * What a text query ranks by: the look of the photos (CLIP), the words of the product text (BM25 over
 * the catalogue's FTS5 index), or both fused (the default). A query without text ({@code like} alone, a
 * photo) always ranks by look.
 */
public enum Mode {
    BOTH, LOOK, WORDS;

    /** The mode named {@code both}, {@code look} or {@code words} (any case); null or blank is {@link #BOTH}. */
    public static Mode parse(String name) {
        if (name == null || name.isBlank()) {
            return BOTH;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "both" -> BOTH;
            case "look" -> LOOK;
            case "words" -> WORDS;
            default -> throw new SearchException("mode must be both, look or words, got \"" + name.strip() + "\"");
        };
    }

    /** The name {@link #parse} reads. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
