package dev.lookalike.scrape.extract;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Prices as shops write them ({@code 1,234.56}, {@code 1.234,56 €}, {@code $1,299}, {@code CHF 1'299.–},
 * {@code 35€99}, {@code .75 €}, {@code Free!}) and their currency: an ISO 4217 code when the text names
 * one or uses a symbol or word that belongs to one currency only; otherwise null. A {@code $}, {@code ¥}
 * or {@code kr} alone stays unknown: better no currency than a wrong one. Which amount of a text is
 * its price ({@code Was $120 Now $60}, {@code $25 - $40}, {@code 40% OFF}) is {@link PriceText}'s rule.
 */
public final class Prices {

    /** An amount and its ISO 4217 currency, or null currency when the text does not tell. */
    public record Money(double amount, String currency) {}

    static final Set<String> ISO = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    /** ISO codes that are English words in capitals ("ALL SIZES", "TOP 10"): not currencies in shop text. */
    static final Set<String> ISO_WORDS = Set.of("ALL", "TOP");

    /** ISO codes shops also write in lower or title case ("12 eur", "Pln 99"); not "try", "all", "top"… */
    static final Set<String> LOWER_ISO = Set.of("eur", "usd", "gbp", "chf", "pln", "czk", "huf", "sek",
            "nok", "dkk", "ron", "bgn", "rub", "uah", "jpy", "cny", "inr", "aud", "cad", "nzd", "brl", "mxn",
            "idr", "myr", "sgd", "hkd", "twd", "krw", "vnd", "egp", "zar", "ils", "thb", "php");

    /**
     * Symbols of one currency, usable in data ({@code priceCurrency}) as well as in text. Where a
     * mapping could be questioned the source is CLDR, as the JDK ships it ({@code Currency.getSymbol}
     * for the locale named): {@code zł} (pl), {@code Kč} (cs), {@code лв.} (bg), {@code Ft} (hu),
     * {@code Rp} (id), {@code RM} (ms), {@code ₺} (tr), {@code NT$}, {@code CA$}, {@code A$}, {@code MX$},
     * {@code R$} (root), {@code S$} (ta_MY), {@code C$} (nl); {@code E£} is EGP's narrow symbol.
     */
    static final Map<String, String> SYMBOLS = pairs(
            "€", "EUR", "£", "GBP", "₹", "INR", "₩", "KRW", "₽", "RUB", "₺", "TRY", "₪", "ILS", "₫", "VND",
            "฿", "THB", "₴", "UAH", "₱", "PHP", "₦", "NGN", "円", "JPY", "元", "CNY",
            "US$", "USD", "CA$", "CAD", "AU$", "AUD", "NZ$", "NZD", "HK$", "HKD", "MX$", "MXN", "NT$", "TWD",
            "C$", "CAD", "A$", "AUD", "S$", "SGD", "R$", "BRL", "E£", "EGP",
            "zł", "PLN", "Kč", "CZK", "лв.", "BGN", "Ft", "HUF", "Rp", "IDR", "RM", "MYR",
            // грн.: glibc's uk_UA currency_symbol; руб.: the Russian abbreviation of рубль, as shops
            // wrote it before ₽; TL: the Turkish lira's abbreviation, printed beside or instead of ₺.
            "грн.", "UAH", "руб.", "RUB", "TL", "TRY");

    /**
     * Words and abbreviations of one currency that count in shop text only, and only as the token
     * next to an amount ({@code 1 200 Р}); in data they are no currency.
     */
    static final Map<String, String> WORDS = pairs(
            // Р (Cyrillic Er) and р. abbreviate рубль (р. is CLDR ru's symbol of the 1991–1998 rouble, RUR);
            // đ and VNĐ are how Vietnamese shops write ₫; 원 is the won's own name (CLDR ko "대한민국 원").
            "Р", "RUB", "Р.", "RUB", "р.", "RUB", "đ", "VND", "VNĐ", "VND", "원", "KRW", "Rp.", "IDR",
            "SFr.", "CHF");

    /** The same as {@link #WORDS}, matched in any case ({@code 12 Euros}, {@code 99 ZŁ}). */
    static final Map<String, String> WORDS_ANY_CASE = pairs(
            "руб", "RUB", "руб.", "RUB", "грн", "UAH", "грн.", "UAH", "лв", "BGN", "лв.", "BGN",
            "zł", "PLN", "zl", "PLN", "euro", "EUR", "euros", "EUR", "yen", "JPY");

    /**
     * Letters before a {@code $} that name the dollar ({@code US$}, {@code AU $59.95}); any other
     * ISO code before a {@code $} ({@code NZD $100.70}, {@code SGD$4.90}) names itself.
     */
    static final Map<String, String> DOLLAR_PREFIX = Map.ofEntries(
            Map.entry("US", "USD"), Map.entry("CA", "CAD"), Map.entry("AU", "AUD"), Map.entry("NZ", "NZD"),
            Map.entry("HK", "HKD"), Map.entry("SG", "SGD"), Map.entry("MX", "MXN"), Map.entry("NT", "TWD"),
            Map.entry("NTD", "TWD"),
            // One letter only when written together ("C$5"): "Size S $25" is no Singapore dollar.
            // C$ is also CLDR's córdoba sign (es_NI), but shops writing C$ are Canadian.
            Map.entry("C", "CAD"), Map.entry("A", "AUD"), Map.entry("S", "SGD"), Map.entry("R", "BRL"));

    /** Letters after a {@code $} that name the dollar: Canadian French writes {@code 5,00 $ CA}. */
    static final Map<String, String> DOLLAR_SUFFIX = Map.ofEntries(
            Map.entry("US", "USD"), Map.entry("CA", "CAD"), Map.entry("AU", "AUD"), Map.entry("NZ", "NZD"),
            Map.entry("HK", "HKD"), Map.entry("SG", "SGD"), Map.entry("MX", "MXN"));

    /** Signs that say "this is money" but not whose: the dollars, the yen/yuan, the crowns. */
    static final Set<String> AMBIGUOUS = Set.of("$", "¥", "￥", "kr", "kr.", "Kr", "Kr.", "KR", ":-",
            "Fr.", "fr.");

    private static final Pattern PLAIN = Pattern.compile("\\d+(?:\\.\\d+)?");

    private Prices() {}

    private static Map<String, String> pairs(String... keysAndCodes) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keysAndCodes.length; i += 2) {
            m.put(keysAndCodes[i], keysAndCodes[i + 1]);
        }
        return Map.copyOf(m);
    }

    /**
     * The price in a piece of shop text, with the currency its code, symbol or word names. When the
     * text holds several amounts, the one {@link PriceText} says is the price.
     *
     * @return empty when the text holds no price
     */
    public static Optional<Money> parse(String text) {
        return text == null ? Optional.empty() : PriceText.read(text);
    }

    /**
     * A price from structured data: a plain number uses {@code .} as its decimal point (schema.org's
     * rule, so {@code "12.500"} is twelve and a half); anything else is read as shop text.
     *
     * @return null when there is no price
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
     * The ISO 4217 code a piece of data names: a code in any case, or a symbol of one currency
     * ({@code €}, {@code zł}, {@code NT$}). Words ({@code euro}, {@code dollars}) and signs of several
     * currencies ({@code $}) name none.
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
