package dev.lookalike.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Prices as shoppers read them: a symbol for the common currencies, the ISO code otherwise. */
final class Money {

    private static final Map<String, String> SYMBOLS = Map.of("EUR", "€", "USD", "$", "GBP", "£", "JPY", "¥",
            "INR", "₹", "CHF", "CHF ", "AUD", "A$", "CAD", "C$");

    private Money() {}

    /** "€80.00", "SEK 120.00", "80.00" when the currency is unknown, "" when there is no price. */
    static String format(Double amount, String currency) {
        if (amount == null) {
            return "";
        }
        String number = BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP).toPlainString();
        if (currency == null || currency.isBlank()) {
            return number;
        }
        String symbol = SYMBOLS.get(currency);
        return symbol != null ? symbol + number : currency + " " + number;
    }

    /** A round number at or above {@code max}, for the top of the price slider. */
    static long ceiling(double max) {
        if (max <= 10) {
            return 10;
        }
        double step = Math.pow(10, Math.floor(Math.log10(max)) - 1) * 5;
        return (long) (Math.ceil(max / step) * step);
    }
}
