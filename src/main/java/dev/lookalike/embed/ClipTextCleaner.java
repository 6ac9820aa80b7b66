package dev.lookalike.embed;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The text clean-up CLIP's reference tokenizer does before splitting: {@code ftfy.fix_text}, HTML
 * unescaping twice, whitespace collapsing and Python's lower-casing.
 *
 * <p>ftfy (checked against 6.3.1) is reproduced in every fix it applies to correctly decoded text:
 * its HTML-entity fix (line by line, off from the first line containing {@code <}), C1 controls read
 * as Windows-1252, Latin ligatures, full-width and half-width forms, curly quotes, line breaks, lone
 * surrogates, ANSI terminal escapes, invisible control characters and NFC, repeated until nothing
 * changes. Not reproduced: ftfy's mojibake repair ({@code fix_encoding}), so text decoded with the
 * wrong charset (for example {@code "cafÃ©"}) is tokenised as written where the reference would first
 * turn it into {@code "café"}. Characters assigned after Unicode 13 (Java 17's tables) may be
 * classified differently from the reference's {@code regex} module.
 */
final class ClipTextCleaner {

    private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\\x1B\\[[\\p{Nd};]*[a-zA-Z]",
            Pattern.UNICODE_CHARACTER_CLASS);

    private ClipTextCleaner() {
    }

    /**
     * Cleans text the way the reference does before pre-tokenisation.
     *
     * @param text any text, never null
     * @return trimmed, lower-cased text whose whitespace runs are single spaces; empty if nothing is left
     */
    static String clean(String text) {
        String fixed = fixText(text);
        String unescaped = HtmlUnescape.unescape(HtmlUnescape.unescape(fixed));
        return lowerCase(collapseWhitespace(unescaped));
    }

    /**
     * The subset of ftfy's {@code fix_text} described in the class comment. Like ftfy it works line by
     * line and stops decoding HTML entities from the first line that contains {@code <} on.
     */
    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeEntities = true;
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos);
            end = end < 0 ? text.length() : end + 1;
            String segment = text.substring(pos, end);
            unescapeEntities &= segment.indexOf('<') < 0;
            out.append(fixSegment(segment, unescapeEntities));
            pos = end;
        }
        return out.toString();
    }

    private static String fixSegment(String segment, boolean unescapeEntities) {
        String current = segment;
        while (true) {
            String before = current;
            if (unescapeEntities) {
                current = HtmlUnescape.unescapeFtfy(current);
            }
            current = fixCharacters(current);
            current = TERMINAL_ESCAPE.matcher(current).replaceAll("");
            current = removeControlCharacters(current);
            current = Normalizer.normalize(current, Normalizer.Form.NFC);
            // ftfy loops because one fix can expose another (an entity that decodes to an entity).
            if (current.equals(before)) {
                return current;
            }
        }
    }

    /** ftfy's per-character fixes, in ftfy's order: C1 controls, ligatures, width, quotes, line breaks, surrogates. */
    private static String fixCharacters(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
                continue;
            }
            String replacement;
            if (c >= 0x80 && c <= 0x9F) {
                replacement = HtmlUnescape.windows1252(c);
            } else if (Character.isSurrogate(c)) {
                replacement = "\uFFFD";
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                continue;
            } else if (c == '\r' || c == '\u2028' || c == '\u2029') {
                replacement = "\n";
            } else {
                replacement = ligature(c);
                if (replacement == null) {
                    replacement = fullWidth(c);
                }
            }
            if (replacement == null) {
                out.append(uncurl(c));
            } else {
                for (int j = 0; j < replacement.length(); j++) {
                    out.append(uncurl(replacement.charAt(j)));
                }
            }
        }
        return out.toString();
    }

    /** Control and format characters ftfy removes; tab, newline, form feed and CR stay. */
    private static String removeControlCharacters(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean remove = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                    || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
            if (remove && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            } else if (!remove && out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Latin ligatures ftfy splits; ligatures of other scripts stay. */
    private static String ligature(char c) {
        return switch (c) {
            case '\u0132' -> "IJ";
            case '\u0133' -> "ij";
            case '\u0149' -> "\u02BCn";
            case '\u01F1' -> "DZ";
            case '\u01F2' -> "Dz";
            case '\u01F3' -> "dz";
            case '\u01C4' -> "D\u017D";
            case '\u01C5' -> "D\u017E";
            case '\u01C6' -> "d\u017E";
            case '\u01C7' -> "LJ";
            case '\u01C8' -> "Lj";
            case '\u01C9' -> "lj";
            case '\u01CA' -> "NJ";
            case '\u01CB' -> "Nj";
            case '\u01CC' -> "nj";
            case '\uFB00' -> "ff";
            case '\uFB01' -> "fi";
            case '\uFB02' -> "fl";
            case '\uFB03' -> "ffi";
            case '\uFB04' -> "ffl";
            case '\uFB05' -> "\u017Ft";
            case '\uFB06' -> "st";
            default -> null;
        };
    }

    /** Full-width and half-width forms to their ordinary width, plus the ideographic space. */
    private static String fullWidth(char c) {
        if (c == '\u3000') {
            return " ";
        }
        if (c >= '\uFF01' && c <= '\uFFEF') {
            String normal = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
            return normal.equals(String.valueOf(c)) ? null : normal;
        }
        return null;
    }

    private static char uncurl(char c) {
        if (c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')) {
            return '\'';
        }
        if (c >= '\u201C' && c <= '\u201F') {
            return '"';
        }
        return c;
    }

    /**
     * Python's {@code re.sub(r'\s+', ' ', s).strip()}: whitespace is what {@code str.isspace} accepts,
     * which includes no-break spaces that {@link Character#isWhitespace} leaves out.
     */
    static String collapseWhitespace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isPythonSpace(cp)) {
                pendingSpace = out.length() > 0;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /**
     * Python's {@code str.lower()}. Java's {@link String#toLowerCase} picks the final sigma by word
     * boundaries; Python follows the Unicode rule (a cased letter before, none after, skipping
     * case-ignorable characters), so capital sigmas are decided here first.
     */
    static String lowerCase(String text) {
        if (text.indexOf('\u03A3') < 0) {
            return text.toLowerCase(Locale.ROOT);
        }
        StringBuilder out = new StringBuilder(text);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\u03A3') {
                out.setCharAt(i, isFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean isFinalSigma(String text, int index) {
        int before = index;
        int cp = -1;
        while (before > 0) {
            cp = text.codePointBefore(before);
            before -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                break;
            }
            cp = -1;
        }
        if (cp < 0 || !isCased(cp)) {
            return false;
        }
        for (int after = index + 1; after < text.length(); ) {
            cp = text.codePointAt(after);
            after += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode's Case_Ignorable: marks, format characters, modifiers and the in-word punctuation. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT,
                    Character.MODIFIER_LETTER, Character.MODIFIER_SYMBOL:
                return true;
            default:
                break;
        }
        return switch (cp) {
            case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027,
                    0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A -> true;
            default -> false;
        };
    }

    static boolean isPythonSpace(int cp) {
        if ((cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F) || cp == 0x85) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
