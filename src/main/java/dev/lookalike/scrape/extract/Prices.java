package dev.lookalike.scrape.extract;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Prices as shops write them ({@code 1,234.56}, {@code 1.234,56 €}, {@code $1,299}, {@code CHF 1'299.–})
 * and their currency: an ISO 4217 code when the text or the data names one or uses a symbol that
 * belongs to one currency only; otherwise null. A {@code $}, {@code ¥} or {@code kr} alone stays
 * unknown: better no currency than a wrong one.
 */
public final class Prices {

    /** An amount and its ISO 4217 currency, or null currency when the text does not tell. */
    public record Money(double amount, String currency) {}

    private static final Set<String> ISO = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    /** Symbols that name one currency. Longer first, so "US$" wins over a bare "$". */
    private static final Map<String, String> SYMBOLS = new LinkedHashMap<>();

    static {
        String[][] pairs = {
            {"US$", "USD"}, {"CA$", "CAD"}, {"AU$", "AUD"}, {"NZ$", "NZD"}, {"HK$", "HKD"}, {"MX$", "MXN"},
            {"C$", "CAD"}, {"A$", "AUD"}, {"S$", "SGD"}, {"R$", "BRL"},
            {"€", "EUR"}, {"£", "GBP"}, {"₹", "INR"}, {"₩", "KRW"}, {"₽", "RUB"}, {"₺", "TRY"}, {"₪", "ILS"},
            {"₫", "VND"}, {"฿", "THB"}, {"₴", "UAH"}, {"₱", "PHP"}, {"₦", "NGN"}, {"zł", "PLN"}, {"Kč", "CZK"},
            {"円", "JPY"}, {"元", "CNY"},
        };
        for (String[] p : pairs) {
            SYMBOLS.put(p[0], p[1]);
        }
    }

    /** A number with optional thousands separators, a decimal part, or a Swiss ".–" for no cents. */
    private static final Pattern NUMBER =
            Pattern.compile("\\d(?:[\\d'’\u00a0\u202f\u2009 .,]*\\d)?(?:[.,](?:–|-{1,2}))?");
    private static final Pattern ISO_BEFORE = Pattern.compile("(?<![A-Za-z])([A-Z]{3})\\s*$");
    private static final Pattern ISO_AFTER = Pattern.compile("^\\s*([A-Z]{3})(?![A-Za-z])");
    private static final Pattern PLAIN = Pattern.compile("\\d+(?:\\.\\d+)?");

    private Prices() {}

    /**
     * The first price in a piece of shop text, with the currency its code or symbol names.
     *
     * @return empty when the text holds no number
     */
    public static Optional<Money> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = NUMBER.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        BigDecimal amount = number(m.group());
        if (amount == null) {
            return Optional.empty();
        }
        return Optional.of(new Money(amount.doubleValue(), currencyAround(text, m.start(), m.end())));
    }

    /**
     * A price from structured data: a plain number uses {@code .} as its decimal point (schema.org's
     * rule, so {@code "12.500"} is twelve and a half); anything else is read as shop text.
     *
     * @return null when there is no number
     */
    public static Double structured(String value) {
        if (value == null) {
            return null;
        }
        String s = value.strip();
        if (PLAIN.matcher(s).matches()) {
            return Double.parseDouble(s);
        }
        return parse(s).map(Money::amount).orElse(null);
    }

    /**
     * The ISO 4217 code a piece of data names: a code in any case, or a symbol of one currency.
     *
     * @return null when it names none or is ambiguous
     */
    public static String currency(String value) {
        if (value == null) {
            return null;
        }
        String s = value.strip();
        String upper = s.toUpperCase(Locale.ROOT);
        if (ISO.contains(upper)) {
            return upper;
        }
        return SYMBOLS.get(s);
    }

    private static String currencyAround(String text, int start, int end) {
        String before = text.substring(0, start).stripTrailing();
        String after = text.substring(end).stripLeading();
        Matcher b = ISO_BEFORE.matcher(before);
        if (b.find() && ISO.contains(b.group(1))) {
            return b.group(1);
        }
        Matcher a = ISO_AFTER.matcher(after);
        if (a.find() && ISO.contains(a.group(1))) {
            return a.group(1);
        }
        String found = null;
        for (Map.Entry<String, String> e : SYMBOLS.entrySet()) {
            String sym = e.getKey();
            int at = text.indexOf(sym);
            if (at < 0) {
                continue;
            }
            // "S$" inside "US$" is the US dollar, already matched by the longer symbol.
            if (sym.endsWith("$") && at > 0 && Character.isLetter(text.charAt(at - 1))) {
                continue;
            }
            if (found != null && !found.equals(e.getValue())) {
                return null; // two currencies in one price: do not guess
            }
            found = e.getValue();
        }
        return found;
    }

    /** Reads the digits with their separators; null when they are not one number. */
    static BigDecimal number(String raw) {
        String s = raw.replaceAll("[.,](?:–|-{1,2})$", "");
        s = s.replaceAll("['’\u00a0\u202f\u2009 ]", "");
        int dot = s.lastIndexOf('.');
        int comma = s.lastIndexOf(',');
        String digits;
        if (dot >= 0 && comma >= 0) {
            char decimal = dot > comma ? '.' : ',';
            char group = decimal == '.' ? ',' : '.';
            String intPart = s.substring(0, Math.max(dot, comma)).replace(String.valueOf(group), "");
            if (intPart.indexOf(decimal) >= 0) {
                return null; // "1.234.56,7": not a number
            }
            digits = intPart + "." + s.substring(Math.max(dot, comma) + 1);
        } else if (dot >= 0 || comma >= 0) {
            char sep = dot >= 0 ? '.' : ',';
            int count = s.length() - s.replace(String.valueOf(sep), "").length();
            int last = s.lastIndexOf(sep);
            int decimals = s.length() - last - 1;
            boolean grouping = count > 1 || (decimals == 3 && !s.substring(0, last).equals("0"));
            digits = grouping ? s.replace(String.valueOf(sep), "") : s.replace(sep, '.');
        } else {
            digits = s;
        }
        try {
            return new BigDecimal(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
