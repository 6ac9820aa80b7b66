package dev.lookalike.search;

import java.util.ArrayList;
import java.util.List;

/**
 * What a shopper typed, split into what to look for and what to leave out: {@code faucet -chrome}
 * looks for "faucet" and steers away from "chrome"; {@code -"oil rubbed"} leaves out a phrase. A
 * hyphen inside a word ({@code t-shirt}, {@code rose-gold}) is part of the word.
 *
 * @param wanted    the words to look for, joined by single spaces; empty when only exclusions were typed
 * @param unwanted  each excluded word or quoted phrase, in the order typed
 */
public record QueryText(String wanted, List<String> unwanted) {

    public QueryText {
        unwanted = List.copyOf(unwanted);
    }

    /** Splits a query; never null, an empty or blank text gives an empty query. */
    public static QueryText parse(String text) {
        List<String> wanted = new ArrayList<>();
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
            if (start < s.length() && s.charAt(start) == '"') {
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
        }
        return new QueryText(String.join(" ", wanted), unwanted);
    }

    /** True when nothing was typed at all. */
    public boolean isEmpty() {
        return wanted.isEmpty() && unwanted.isEmpty();
    }
}
