package dev.lookalike.search;

import java.util.ArrayList;
import java.util.List;

/**
 * What a shopper typed, split into what to look for and what to leave out: {@code faucet -chrome}
 * looks for "faucet" and steers away from "chrome"; {@code -"oil rubbed"} leaves out a phrase, and
 * {@code "oil rubbed" faucet} looks for a faucet that must say "oil rubbed". A hyphen inside a word
 * ({@code t-shirt}, {@code rose-gold}) is part of the word.
 *
 * @param wantedTerms each word or quoted phrase to look for, in the order typed (a phrase without its quotes)
 * @param required    the quoted ones among them, in the same order: words a product's text must hold
 * @param unwanted    each excluded word or quoted phrase, in the order typed
 */
public record QueryText(List<String> wantedTerms, List<String> required, List<String> unwanted) {

    public QueryText {
        wantedTerms = List.copyOf(wantedTerms);
        required = List.copyOf(required);
        unwanted = List.copyOf(unwanted);
    }

    /** A query with no quoted words: {@code wanted} split at spaces. */
    public QueryText(String wanted, List<String> unwanted) {
        this(wanted.isBlank() ? List.of() : List.of(wanted.strip().split("\\s+")), List.of(), unwanted);
    }

    /** Splits a query; never null, an empty or blank text gives an empty query. */
    public static QueryText parse(String text) {
        List<String> wanted = new ArrayList<>();
        List<String> required = new ArrayList<>();
        List<String> unwanted = new ArrayList<>();
        String s = text == null ? "" : text.strip();
        int i = 0;
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
                continue;
            }
            boolean negative = s.charAt(i) == '-' && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1));
            int start = negative ? i + 1 : i;
            String term;
            boolean quoted = start < s.length() && s.charAt(start) == '"';
            if (quoted) {
                int close = s.indexOf('"', start + 1);
                int end = close < 0 ? s.length() : close;
                term = s.substring(start + 1, end).strip();
                i = close < 0 ? s.length() : close + 1;
            } else {
                int end = start;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
                term = s.substring(start, end);
                i = end;
            }
            if (term.isEmpty()) {
                continue;
            }
            (negative ? unwanted : wanted).add(term);
            if (quoted && !negative) {
                required.add(term);
            }
        }
        return new QueryText(wanted, required, unwanted);
    }

    /** The words to look for, joined by single spaces (for the text tower); empty when only exclusions were typed. */
    public String wanted() {
        return String.join(" ", wantedTerms);
    }

    /** True when nothing was typed at all. */
    public boolean isEmpty() {
        return wantedTerms.isEmpty() && unwanted.isEmpty();
    }
}
