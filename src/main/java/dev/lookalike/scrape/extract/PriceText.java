package dev.lookalike.scrape.extract;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lookalike.scrape.extract.Prices.AMBIGUOUS;
import static dev.lookalike.scrape.extract.Prices.DOLLAR_PREFIX;
import static dev.lookalike.scrape.extract.Prices.DOLLAR_SUFFIX;
import static dev.lookalike.scrape.extract.Prices.ISO;
import static dev.lookalike.scrape.extract.Prices.ISO_WORDS;
import static dev.lookalike.scrape.extract.Prices.LOWER_ISO;
import static dev.lookalike.scrape.extract.Prices.SYMBOLS;
import static dev.lookalike.scrape.extract.Prices.WORDS;
import static dev.lookalike.scrape.extract.Prices.WORDS_ANY_CASE;

/**
 * Which amount of a piece of shop text is its price, and in which currency. The text is read into
 * amounts, currency marks (codes, signs, words), words and punctuation; each mark belongs to the
 * amount it stands beside. Then, in order:
 * <ul>
 *   <li>Not amounts: dates ({@code 15.08.2017}), percentages ({@code 40% OFF}), negative amounts
 *       ({@code -€20}), savings ({@code Save $20}, {@code $20 off}), thresholds ({@code orders over $49},
 *       {@code $49+}, amounts after "free shipping"), instalments ({@code 4 payments of $15}).</li>
 *   <li>A number without a currency is no price when another amount of the text has one, nor when
 *       a word beside it says what else it counts ({@code Size 42}, {@code 4.5 out of 5 stars},
 *       {@code Item #123}).</li>
 *   <li>Amounts labelled as the current price ({@code Now}, {@code Sale}, {@code Special}) come
 *       first, then unlabelled ones, then old prices ({@code Was}, {@code Regular}, {@code RRP}), then
 *       amounts in parentheses, unit prices ({@code /kg}) and shipping costs.</li>
 *   <li>Within the first of these groups that has any, only amounts in the currency of its first one
 *       count, and the lowest wins: the lower bound of a range ({@code $25 - $40} is 25, as "From $25"
 *       and schema.org's {@code lowPrice} would say), and the sale price of an unlabelled pair
 *       ({@code $120.00 $60.00} is 60: themes print the struck-through old price first or last, but it
 *       is always the higher).</li>
 * </ul>
 * A word for free ({@code Free!}, {@code Gratis}, {@code Kostenlos}, {@code Gratuit}) standing alone
 * or after a price label is a price of 0; {@code Free Shipping} and {@code Shipping: Free} are none.
 */
final class PriceText {

    /**
     * A number: digits grouped in threes by one separator (or Indian lakh grouping), or plain digits;
     * then a decimal part with the other separator, or a Swiss/German ".–"/",-" for no cents.
     */
    private static final Pattern NUMBER = Pattern.compile(
            "(?:\\d{1,3}([ '’\u00a0\u202f\u2009.,])\\d{3}(?:\\1\\d{3})*|\\d{1,2}(?:,\\d{2})+,\\d{3}|\\d+)"
                    + "(?:(?!\\1)[.,]\\d+|[.,](?:–|-{1,2}))?(?!\\d)");
    /** An amount below one written without its zero ({@code .75}). */
    private static final Pattern LEADING_DECIMAL = Pattern.compile("\\.\\d{1,2}(?!\\d)");
    /** Dates: 15.08.2017, 15/08/17, 2017-08-15. */
    private static final Pattern DATE = Pattern.compile(
            "(?<![\\d.,])(?:\\d{1,2}[./-]\\d{1,2}[./-](?:\\d{4}|\\d{2})|\\d{4}[./-]\\d{1,2}[./-]\\d{1,2})"
                    + "(?![\\d]|[.,]\\d)");

    /** What a label before an amount says about it. */
    private enum Role { CURRENT, PLAIN, OLD, SECONDARY }

    private static final Set<String> CURRENT = Set.of("now", "sale", "special", "offer", "deal", "today", "only",
            "just", "reduced", "clearance", "promo", "jetzt", "nur", "angebot", "aktion", "aktionspreis",
            "sonderpreis", "nu", "maintenant", "ahora", "ora", "agora", "oferta", "promoción", "promotion");
    private static final Set<String> OLD = Set.of("was", "were", "regular", "reg", "list", "retail", "rrp", "msrp",
            "uvp", "statt", "originally", "original", "orig", "compare", "before", "avant", "antes", "prima",
            "old", "normal", "normally", "usually", "instead", "value", "vorher", "früher", "ord", "ordinary",
            "previously", "normalpris");
    private static final Set<String> SAVE = Set.of("save", "saving", "savings", "saved", "spare", "sparen",
            "sparst", "ersparnis", "économisez", "economisez", "économie", "ahorra", "ahorre", "ahorro",
            "risparmi", "risparmia", "risparmio", "discount", "rabatt", "bespaar", "bespaart", "off");
    private static final Set<String> THRESHOLD = Set.of("over", "above", "orders", "spend", "spending",
            "minimum", "min", "exceeding", "beyond", "versandkostenfrei", "portofrei", "versandfrei");
    private static final Set<String> INSTALMENT = Set.of("payments", "payment", "installments", "instalments",
            "installment", "instalment", "raten", "cuotas", "cuota", "mensualités", "klarna", "afterpay");
    private static final Set<String> UNIT_LABEL = Set.of("grundpreis", "unit", "einheitspreis");
    private static final Set<String> SHIPPING = Set.of("shipping", "delivery", "postage", "versand",
            "versandkosten", "porto", "livraison", "envío", "envio", "spedizione", "frakt", "verzending",
            "verzendkosten", "frete", "dostawa", "доставка");
    private static final Set<String> FREE = Set.of("free", "gratis", "kostenlos", "gratuit", "gratuite",
            "gratuito", "gratuita", "бесплатно");
    /** Words that may stand before a free price ("Price: Free", "Now Free"). */
    private static final Set<String> PRICE_WORDS = Set.of("price", "prices", "preis", "prix", "precio", "prezzo",
            "preço", "prijs", "pris", "cena", "цена", "from", "ab", "your", "our", "is");
    /** What follows an amount that is per unit or per period: 4,98 €/kg, $15/mo, €2 per 100 g. */
    private static final Set<String> PER_UNITS = Set.of("kg", "g", "gr", "mg", "l", "ltr", "litre", "liter", "ml",
            "cl", "dl", "m", "m²", "m2", "qm", "cm", "lb", "lbs", "oz", "fl", "sqm", "sqft", "ft", "yd", "mo", "mon",
            "month", "monat", "mois", "mes", "yr", "year", "jahr", "an", "week", "wk", "woche", "day", "tag",
            "monthly", "mtl", "stk", "stück");
    /** Words after an amount that make it no price. */
    private static final Set<String> NOT_AFTER = Set.of("percent", "pct", "prozent", "off", "rabatt");
    /** Words after an amount that make it a price per something: "$4.99 shipping", "€2 per 100 g". */
    private static final Set<String> PER_AFTER = Set.of("per", "pro", "je", "monthly", "mtl");
    private static final Set<String> RANGE_WORDS = Set.of("to", "bis", "à", "a", "до", "tot", "till", "al", "hasta");
    /** Words right after a bare number that say it counts something else: 5 stars, 12 pcs, 3 left. */
    private static final Set<String> BARE_UNITS = Set.of("out", "of", "stars", "star", "sterne", "étoiles",
            "reviews", "review", "ratings", "rating", "bewertungen", "avis", "votes", "cm", "mm", "m", "km", "kg",
            "g", "mg", "lb", "lbs", "oz", "ml", "l", "cl", "in", "inch", "inches", "ft", "x", "pcs", "pc",
            "pieces", "piece", "items", "item", "stk", "st", "stück", "pack", "pk", "count", "ct", "days", "day",
            "hours", "h", "years", "year", "yrs", "months", "month", "weeks", "left", "sold", "available", "gb",
            "tb", "mb", "mah", "w", "kw", "v", "hz", "mp", "px", "sizes", "colours", "colors", "variants",
            "options", "people", "persons", "seats", "sq", "ply", "percent", "pct", "prozent", "minutes", "minute",
            "min", "minutos", "minuten", "seconds", "sec", "hrs");
    /** Words right before a bare number that say it is no price: Size 42, Qty 2, Model 3000, pack of 6. */
    private static final Set<String> BARE_LABELS = Set.of("size", "sizes", "größe", "grösse", "gr", "taille",
            "talla", "tamaño", "maat", "storlek", "størrelse", "rozmiar", "размер", "qty", "quantity", "menge",
            "anzahl", "pack", "set", "model", "modell", "item", "items", "art", "artikel", "nr", "no", "number",
            "nummer", "ean", "upc", "isbn", "gtin", "mpn", "sku", "ref", "id", "code", "step", "page", "seite",
            "room", "age", "height", "width", "length", "depth", "weight", "höhe", "breite", "länge", "tiefe",
            "gewicht", "year", "jahr", "version", "vol", "volume", "chapter", "level", "rated", "rating", "of",
            "out", "x", "stock", "lager", "colour", "color", "farbe", "grade", "type", "typ", "series", "serie",
            "edition", "season", "episode", "issue", "part", "teil", "kapitel", "reviews", "votes", "sold",
            "left", "top", "eu", "uk", "us");

    private PriceText() {}

    /** The price of the text, or empty when it holds none. */
    static Optional<Prices.Money> read(String text) {
        List<Token> tokens = tokens(text);
        own(tokens);
        return choose(candidates(tokens), tokens);
    }

    private enum Type { AMOUNT, MARK, WORD, PUNCT }

    /** An amount, a currency mark, a word (lower case) or one other character, with where it stands. */
    private static final class Token {
        final Type type;
        final int start;
        final int end;
        final String text;
        BigDecimal amount;
        /** A mark's currency; null when ambiguous. */
        String currency;
        /** The amount a mark belongs to, as an index into the tokens; -1 for none. */
        int owner = -1;

        Token(Type type, int start, int end, String text) {
            this.type = type;
            this.start = start;
            this.end = end;
            this.text = text;
        }

        boolean is(Type t, String s) {
            return type == t && text.equals(s);
        }

        /** A sign such as €, not letters: may name the currency of a text whose amount stands apart. */
        boolean isSign() {
            return type == Type.MARK && !Character.isLetter(text.charAt(0));
        }
    }

    private static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        boolean[] date = new boolean[s.length()];
        Matcher d = DATE.matcher(s);
        while (d.find()) {
            for (int k = d.start(); k < d.end(); k++) {
                date[k] = true;
            }
        }
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                i++;
            } else if (date[i]) {
                int j = i;
                while (j < n && date[j]) {
                    j++;
                }
                out.add(new Token(Type.WORD, i, j, "(date)"));
                i = j;
            } else if (isDigit(c) || (c == '.' && leadingDecimal(s, i))) {
                i = amount(s, i, out);
            } else if (Character.isLetter(c)) {
                i = letters(s, i, out);
            } else {
                i = sign(s, i, out);
            }
        }
        return out;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ".75" after nothing that could make it part of a word or another number. */
    private static boolean leadingDecimal(String s, int i) {
        if (i > 0) {
            char p = s.charAt(i - 1);
            if (isDigit(p) || Character.isLetter(p) || p == '.' || p == ',') {
                return false;
            }
        }
        return LEADING_DECIMAL.matcher(s).region(i, s.length()).lookingAt();
    }

    private static int amount(String s, int i, List<Token> out) {
        int n = s.length();
        if (s.charAt(i) == '.') {
            Matcher m = LEADING_DECIMAL.matcher(s).region(i, n);
            m.lookingAt();
            Token t = new Token(Type.AMOUNT, i, m.end(), m.group());
            t.amount = new BigDecimal("0" + m.group());
            out.add(t);
            return m.end();
        }
        Matcher m = NUMBER.matcher(s).region(i, n);
        m.lookingAt(); // always, on a digit
        String raw = m.group();
        int j = m.end();
        BigDecimal value = Prices.number(raw);
        if (value == null) {
            out.add(new Token(Type.WORD, i, j, "(number)"));
            return j;
        }
        Token t = new Token(Type.AMOUNT, i, j, raw);
        t.amount = value;
        out.add(t);
        int cents = signAsDecimalMark(s, j, raw, out);
        if (cents > 0) {
            // "35€99": the sign stands for the decimal point; it is the amount's own mark
            t.amount = new BigDecimal(raw + "." + s.substring(cents - 2, cents));
            Token mark = markAt(s, j);
            mark.owner = out.size() - 1;
            out.add(mark);
            return cents;
        }
        return j;
    }

    /**
     * Where "35€99" or "35€ 99" ends when the sign after whole units stands for the decimal point;
     * 0 when it does not ("35 €", "€ 99", "35€ 99€" are other things).
     */
    private static int signAsDecimalMark(String s, int j, String raw, List<Token> out) {
        int n = s.length();
        if (j >= n || Character.getType(s.charAt(j)) != Character.CURRENCY_SYMBOL
                || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        if (out.size() > 1 && out.get(out.size() - 2).type == Type.MARK) {
            return 0; // "€35€99": the first sign already marks the amount
        }
        int k = j + 1;
        if (k < n && (s.charAt(k) == ' ' || s.charAt(k) == '\u00a0')) {
            k++;
        }
        if (k + 2 > n || !isDigit(s.charAt(k)) || !isDigit(s.charAt(k + 1))) {
            return 0;
        }
        int e = k + 2;
        if (e < n && (isDigit(s.charAt(e)) || ((s.charAt(e) == '.' || s.charAt(e) == ',') && e + 1 < n
                && isDigit(s.charAt(e + 1))))) {
            return 0;
        }
        int f = e;
        while (f < n && Character.isSpaceChar(s.charAt(f))) {
            f++;
        }
        if (f < n && Character.getType(s.charAt(f)) == Character.CURRENCY_SYMBOL) {
            return 0; // "35€ 99€": two prices
        }
        return e;
    }

    /** The one-character sign at {@code i} as a mark. */
    private static Token markAt(String s, int i) {
        String sign = s.substring(i, i + 1);
        Token t = new Token(Type.MARK, i, i + 1, sign);
        t.currency = SYMBOLS.get(sign);
        return t;
    }

    /** A run of letters: a currency code, symbol or word, or any other word. */
    private static int letters(String s, int i, List<Token> out) {
        int n = s.length();
        int j = i + 1;
        if (!Character.isIdeographic(s.charAt(i))) {
            while (j < n && Character.isLetter(s.charAt(j)) && !Character.isIdeographic(s.charAt(j))) {
                j++;
            }
        }
        String run = s.substring(i, j);
        boolean upperIso = run.length() == 3 && run.chars().allMatch(c -> c >= 'A' && c <= 'Z')
                && ISO.contains(run) && !ISO_WORDS.contains(run);
        // "US$", "AU $", "NZD $", "SGD$": letters and a dollar sign are one mark
        int k = j;
        if (run.length() > 1 && k < n && (s.charAt(k) == ' ' || s.charAt(k) == '\u00a0')) {
            k++;
        }
        if (k < n && s.charAt(k) == '$') {
            String code = DOLLAR_PREFIX.containsKey(run) && (run.length() > 1 || k == j) ? DOLLAR_PREFIX.get(run)
                    : upperIso ? run : null;
            if (code != null) {
                out.add(mark(i, k + 1, s.substring(i, k + 1), code));
                return k + 1;
            }
        }
        if (run.equals("E") && j < n && s.charAt(j) == '£') {
            out.add(mark(i, j + 1, "E£", "EGP"));
            return j + 1;
        }
        if (j < n && s.charAt(j) == '.') {
            String dotted = currencyWord(run + ".");
            if (dotted != null || AMBIGUOUS.contains(run + ".")) {
                out.add(mark(i, j + 1, run + ".", dotted));
                return j + 1;
            }
        }
        String word = currencyWord(run);
        if (word != null || AMBIGUOUS.contains(run)) {
            out.add(mark(i, j, run, word));
        } else if (upperIso) {
            out.add(mark(i, j, run, run));
        } else if (LOWER_ISO.contains(run.toLowerCase(Locale.ROOT))
                && run.substring(1).equals(run.substring(1).toLowerCase(Locale.ROOT))) { // "eur", "Eur"
            out.add(mark(i, j, run, run.toUpperCase(Locale.ROOT)));
        } else {
            out.add(new Token(Type.WORD, i, j, run.toLowerCase(Locale.ROOT)));
        }
        return j;
    }

    private static String currencyWord(String s) {
        String c = SYMBOLS.get(s);
        if (c == null) {
            c = WORDS.get(s);
        }
        if (c == null) {
            c = WORDS_ANY_CASE.get(s.toLowerCase(Locale.ROOT));
        }
        return c;
    }

    private static Token mark(int start, int end, String text, String currency) {
        Token t = new Token(Type.MARK, start, end, text);
        t.currency = currency;
        return t;
    }

    /** A sign ($, €, "$ CA", ":-"), or one character of punctuation. */
    private static int sign(String s, int i, List<Token> out) {
        int n = s.length();
        char c = s.charAt(i);
        if (c == '$') {
            int k = i + 1;
            if (k < n && (s.charAt(k) == ' ' || s.charAt(k) == '\u00a0')) {
                k++;
            }
            int e = k;
            while (e < n && Character.isLetter(s.charAt(e))) {
                e++;
            }
            String code = e > k ? DOLLAR_SUFFIX.get(s.substring(k, e)) : null;
            if (code != null) {
                out.add(mark(i, e, s.substring(i, e), code));
                return e;
            }
        }
        if (c == ':' && i + 1 < n && s.charAt(i + 1) == '-') {
            out.add(mark(i, i + 2, ":-", null)); // Swedish "199:-"
            return i + 2;
        }
        if (Character.getType(c) == Character.CURRENCY_SYMBOL) {
            out.add(markAt(s, i)); // an unknown sign still says "money", whose it does not say
            return i + 1;
        }
        if (c == '−') {
            c = '-';
        }
        out.add(new Token(Type.PUNCT, i, i + 1, String.valueOf(c)));
        return i + 1;
    }

    // ---- which mark belongs to which amount ----

    /**
     * Gives each mark to the amount beside it. A mark between two amounts goes to the one it touches
     * ("#12345 $10"), else the way the text writes its currency: before the amount when the first
     * amount has its mark before it ("$ 120 $ 60"), else after ("120 € 60 €").
     */
    private static void own(List<Token> t) {
        boolean before = false;
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).type == Type.AMOUNT) {
                int p = i - 1;
                if (p >= 0 && t.get(p).is(Type.PUNCT, ":")) {
                    p--;
                }
                before = p >= 0 && t.get(p).type == Type.MARK && t.get(p).owner < 0;
                break;
            }
        }
        for (int m = 0; m < t.size(); m++) {
            Token mark = t.get(m);
            if (mark.type != Type.MARK || mark.owner >= 0) {
                continue;
            }
            int left = m > 0 && t.get(m - 1).type == Type.AMOUNT ? m - 1 : -1;
            int right = -1;
            if (m + 1 < t.size() && t.get(m + 1).type == Type.AMOUNT) {
                right = m + 1;
            } else if (m + 2 < t.size() && t.get(m + 1).is(Type.PUNCT, ":") && t.get(m + 2).type == Type.AMOUNT) {
                right = m + 2; // "EUR: 12"
            }
            if (left >= 0 && right >= 0) {
                boolean gapLeft = mark.start > t.get(left).end;
                boolean gapRight = t.get(right).start > mark.end;
                mark.owner = gapLeft != gapRight ? (gapLeft ? right : left) : before ? right : left;
            } else {
                mark.owner = Math.max(left, right);
            }
        }
        // "5 $ CAD", "€ EUR 12": a mark beside an owned mark belongs to the same amount
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int m = 0; m < t.size(); m++) {
                Token mark = t.get(m);
                if (mark.type != Type.MARK || mark.owner >= 0) {
                    continue;
                }
                for (int nb : new int[] {m - 1, m + 1}) {
                    if (nb >= 0 && nb < t.size() && t.get(nb).type == Type.MARK && t.get(nb).owner >= 0) {
                        mark.owner = t.get(nb).owner;
                        changed = true;
                        break;
                    }
                }
            }
        }
    }

    // ---- what each amount is ----

    /** An amount that may be the price. */
    private record Candidate(BigDecimal amount, String currency, String key, boolean marked, boolean free,
                             Role role) {}

    private static List<Candidate> candidates(List<Token> t) {
        // each amount's currency from its own marks
        int size = t.size();
        String[] currency = new String[size];
        String[] key = new String[size];
        for (int i = 0; i < size; i++) {
            if (t.get(i).type != Type.AMOUNT) {
                continue;
            }
            Set<String> named = new LinkedHashSet<>();
            String ambiguous = null;
            for (Token m : t) {
                if (m.type == Type.MARK && m.owner == i) {
                    if (m.currency != null) {
                        named.add(m.currency);
                    } else {
                        ambiguous = m.text.toLowerCase(Locale.ROOT).replace(".", "").replace('￥', '¥');
                    }
                }
            }
            currency[i] = named.size() == 1 ? named.iterator().next() : null;
            key[i] = currency[i] != null ? currency[i] : named.size() > 1 ? "?" : ambiguous;
        }
        // "10 – 20 €": both ends of a range share the mark one of them carries
        for (int i = 0; i < size; i++) {
            if (t.get(i).type != Type.AMOUNT) {
                continue;
            }
            int j = rangeEnd(t, i);
            if (j >= 0) {
                if (key[i] == null && key[j] != null) {
                    key[i] = key[j];
                    currency[i] = currency[j];
                } else if (key[j] == null && key[i] != null) {
                    key[j] = key[i];
                    currency[j] = currency[i];
                }
            }
        }
        List<Candidate> out = new ArrayList<>();
        boolean anyMarked = false;
        for (String k : key) {
            anyMarked |= k != null;
        }
        int previous = -1;
        for (int i = 0; i < size; i++) {
            Token a = t.get(i);
            if (a.type == Type.WORD && FREE.contains(a.text)) {
                Role role = free(t, i, previous);
                if (role != null) {
                    out.add(new Candidate(BigDecimal.ZERO, null, "", false, true, role));
                }
                continue;
            }
            if (a.type != Type.AMOUNT) {
                continue;
            }
            Role role = role(t, i, previous, key[i] != null);
            previous = i;
            if (key[i] == null && anyMarked) {
                continue; // "Size 42 $10", "4 payments of $15": beside amounts with a currency, numbers count things
            }
            if (role != null) {
                out.add(new Candidate(a.amount, currency[i], key[i] == null ? "" : key[i], key[i] != null,
                        false, role));
            }
        }
        return out;
    }

    /** The index of the amount that ends a range starting at amount {@code i}, or -1. */
    private static int rangeEnd(List<Token> t, int i) {
        int k = after(t, i);
        if (k >= t.size()) {
            return -1;
        }
        Token sep = t.get(k);
        boolean dash = sep.type == Type.PUNCT && "-–—~‒".contains(sep.text);
        if (!dash && !(sep.type == Type.WORD && RANGE_WORDS.contains(sep.text))) {
            return -1;
        }
        for (int j = k + 1; j < t.size(); j++) {
            Token x = t.get(j);
            if (x.type == Type.AMOUNT) {
                return j;
            }
            if (x.type != Type.MARK) {
                return -1;
            }
        }
        return -1;
    }

    /** The index after amount {@code i} and the marks it owns that follow it. */
    private static int after(List<Token> t, int i) {
        int k = i + 1;
        while (k < t.size() && t.get(k).type == Type.MARK && t.get(k).owner == i) {
            k++;
        }
        return k;
    }

    /** The index of the first of amount {@code i}'s marks before it, or {@code i}. */
    private static int first(List<Token> t, int i) {
        int k = i;
        if (k - 1 >= 0 && t.get(k - 1).is(Type.PUNCT, ":") && k - 2 >= 0 && t.get(k - 2).owner == i) {
            k--; // "EUR: 12"
        }
        while (k - 1 >= 0 && t.get(k - 1).type == Type.MARK && t.get(k - 1).owner == i) {
            k--;
            if (k - 1 >= 0 && t.get(k - 1).is(Type.PUNCT, ":") && k - 2 >= 0 && t.get(k - 2).owner == i) {
                k--;
            }
        }
        return k;
    }

    /**
     * What amount {@code i} is, or null when it is no price (a percentage, a saving, a threshold, an
     * instalment, a count).
     */
    private static Role role(List<Token> t, int i, int previous, boolean marked) {
        Token a = t.get(i);
        int f = first(t, i);
        int k = after(t, i);
        Token before = f > 0 ? t.get(f - 1) : null;
        Token next = k < t.size() ? t.get(k) : null;
        Token next2 = k + 1 < t.size() ? t.get(k + 1) : null;
        int lastEnd = t.get(k - 1).end;
        if (next != null && (next.is(Type.PUNCT, "%") || (next.type == Type.WORD
                && NOT_AFTER.contains(next.text)))) {
            return null;
        }
        if (before != null && before.is(Type.PUNCT, "-") && before.end == t.get(f).start
                && (f - 1 == 0 || t.get(f - 2).end < before.start)) {
            return null; // "-€20", "€120 -€20": a minus sign, not a range
        }
        if (next != null && next.is(Type.PUNCT, "+") && next.start == lastEnd) {
            return null; // "$49+": from this much on
        }
        // The labels since the previous amount, nearest first.
        boolean shipping = false;
        boolean freeWord = false;
        Role labelled = null;
        boolean decided = false;
        for (int j = f - 1; j > previous; j--) {
            Token w = t.get(j);
            if (w.type != Type.WORD) {
                continue;
            }
            shipping |= SHIPPING.contains(w.text);
            freeWord |= FREE.contains(w.text);
            if (decided) {
                continue;
            }
            if (SAVE.contains(w.text) || THRESHOLD.contains(w.text) || INSTALMENT.contains(w.text)) {
                return null;
            }
            if (CURRENT.contains(w.text)) {
                labelled = Role.CURRENT;
                decided = true;
            } else if (OLD.contains(w.text)) {
                labelled = Role.OLD;
                decided = true;
            } else if (UNIT_LABEL.contains(w.text) || SHIPPING.contains(w.text)) {
                labelled = Role.SECONDARY;
                decided = true;
            }
        }
        if (shipping && freeWord && labelled != Role.CURRENT && labelled != Role.OLD) {
            return null; // "Free shipping on orders $49", "Livraison gratuite dès 50 €"
        }
        if (!marked) {
            // the word before, over "No. 5", "Size: 42", "Item #123"
            for (int j = f - 1; j > previous; j--) {
                Token w = t.get(j);
                if (w.is(Type.PUNCT, "#") || w.is(Type.PUNCT, "№")) {
                    return null;
                }
                if (w.type == Type.WORD && BARE_LABELS.contains(w.text)) {
                    return null;
                }
                if (!w.is(Type.PUNCT, ":") && !w.is(Type.PUNCT, ".")) {
                    break;
                }
            }
            if (next != null && next.type == Type.WORD && BARE_UNITS.contains(next.text)) {
                return null;
            }
            if ((next != null && next.is(Type.PUNCT, "/") && next2 != null && next2.type == Type.AMOUNT)
                    || (before != null && before.is(Type.PUNCT, "/"))) {
                return null; // "4.5/5"
            }
            if (leadingZero(a) || a.text.matches("\\d{10,}") || (before != null && leadingZero(before))
                    || (next != null && leadingZero(next))) {
                return null; // "0113 277 0634", an EAN
            }
        }
        Role role = labelled == null ? Role.PLAIN : labelled;
        if (next != null && next.type == Type.WORD && (SHIPPING.contains(next.text)
                || PER_AFTER.contains(next.text))) {
            role = Role.SECONDARY; // "$4.99 shipping", "€2 per 100 g", "$15 monthly"
        }
        if (next != null && next.type == Type.WORD && next.text.equals("a") && next2 != null
                && next2.type == Type.WORD && PER_UNITS.contains(next2.text)) {
            role = Role.SECONDARY; // "$15 a month"
        }
        if (next != null && next.is(Type.PUNCT, "/") && perUnit(t, k + 1)) {
            role = Role.SECONDARY; // "4,98 €/kg", "$15/mo", "1,99 € / 100 g"
        }
        if (before != null && before.is(Type.PUNCT, "=")) {
            role = Role.SECONDARY; // "(1 kg = 4,98 €)"
        }
        if (inParentheses(t, f)) {
            role = Role.SECONDARY;
        }
        return role;
    }

    /** "0113", not "0.50": digits that are no amount but part of a phone number or a code. */
    private static boolean leadingZero(Token a) {
        return a.type == Type.AMOUNT && a.text.length() > 1 && a.text.charAt(0) == '0' && isDigit(a.text.charAt(1));
    }

    private static boolean perUnit(List<Token> t, int k) {
        if (k < t.size() && t.get(k).type == Type.AMOUNT) {
            k++;
        }
        return k < t.size() && t.get(k).type == Type.WORD && PER_UNITS.contains(t.get(k).text);
    }

    private static boolean inParentheses(List<Token> t, int f) {
        int depth = 0;
        for (int j = 0; j < f; j++) {
            Token p = t.get(j);
            if (p.is(Type.PUNCT, "(") || p.is(Type.PUNCT, "[")) {
                depth++;
            } else if ((p.is(Type.PUNCT, ")") || p.is(Type.PUNCT, "]")) && depth > 0) {
                depth--;
            }
        }
        return depth > 0;
    }

    /**
     * The role of a word for free at {@code i}, or null when it is no price: "Free!", "Price: Free",
     * "Now Free" are; "Free Shipping", "Shipping: Free", "get one free" are not.
     */
    private static Role free(List<Token> t, int i, int previous) {
        for (int j = i + 1; j < t.size(); j++) {
            Token w = t.get(j);
            if (w.type == Type.MARK) {
                return null; // "Free $" is no word for free
            }
            if (w.type == Type.WORD) {
                if (CURRENT.contains(w.text) || OLD.contains(w.text)) {
                    break; // "Free (was $10)"
                }
                return null; // "Free Shipping", "Free! Shipping on…", "Free-Download"
            }
            if (w.type == Type.AMOUNT) {
                break;
            }
        }
        for (int j = i - 1; j > previous; j--) {
            Token w = t.get(j);
            if (w.type != Type.WORD) {
                continue;
            }
            if (CURRENT.contains(w.text)) {
                return Role.CURRENT;
            }
            if (OLD.contains(w.text)) {
                return Role.OLD;
            }
            if (!PRICE_WORDS.contains(w.text)) {
                return null; // "Shipping: Free", "get one free"
            }
        }
        return Role.PLAIN;
    }

    // ---- which amount is the price ----

    private static Optional<Prices.Money> choose(List<Candidate> c, List<Token> t) {
        if (c.isEmpty()) {
            return Optional.empty();
        }
        Role best = c.stream().map(Candidate::role).min(Comparator.naturalOrder()).orElseThrow();
        List<Candidate> tier = c.stream().filter(x -> x.role() == best).toList();
        String key = tier.stream().filter(x -> !x.free()).map(Candidate::key).findFirst().orElse("");
        Candidate pick = tier.stream().filter(x -> x.free() || x.key().equals(key))
                .min(Comparator.comparing(Candidate::amount)).orElseThrow();
        String currency = pick.currency();
        if (currency == null && !pick.marked()) {
            currency = textCurrency(t, pick.free());
        }
        return Optional.of(new Prices.Money(pick.amount().doubleValue(), currency));
    }

    /**
     * The currency of a text whose price carries no mark of its own ("Preis (€): 12,99"): the one
     * currency its signs name, or null. A free price also takes the currency of the other amounts.
     */
    private static String textCurrency(List<Token> t, boolean free) {
        Set<String> named = new LinkedHashSet<>();
        for (Token m : t) {
            if (m.type == Type.MARK && m.currency != null && (free || (m.owner < 0 && m.isSign()))) {
                named.add(m.currency);
            }
        }
        return named.size() == 1 ? named.iterator().next() : null;
    }
}
