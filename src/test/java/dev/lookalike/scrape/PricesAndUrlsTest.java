package dev.lookalike.scrape;

import dev.lookalike.scrape.extract.Prices;
import dev.lookalike.scrape.extract.Urls;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shop price formats and URL normalisation, case by case. */
class PricesAndUrlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "1,234.56          | 1234.56 | null",
        "1.234,56 €        | 1234.56 | EUR",
        "$1,299            | 1299.0  | null",
        "US$1,299.00       | 1299.0  | USD",
        "CHF 1'299.–       | 1299.0  | CHF",
        "CHF 1’299.50      | 1299.5  | CHF",
        "£4.45             | 4.45    | GBP",
        "€149,00           | 149.0   | EUR",
        "12,50 EUR         | 12.5    | EUR",
        "1 234,56 zł       | 1234.56 | PLN",
        "¥1,200            | 1200.0  | null",
        "199 kr            | 199.0   | null",
        "0.500             | 0.5     | null",
        "From €10 – €20    | 10.0    | EUR",
        "R$ 1.299,90       | 1299.9  | BRL",
        "A$ 49.95          | 49.95   | AUD",
        "12.-              | 12.0    | null",
    })
    void parsesShopPrices(String text, double amount, String currency) {
        Prices.Money m = Prices.parse(text).orElseThrow();
        assertEquals(amount, m.amount(), 1e-9, text);
        assertEquals(currency, m.currency(), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "12.500   | 12.5",
        "79.5     | 79.5",
        "1,234.56 | 1234.56",
        "call us  | null",
    })
    void structuredPricesUseTheDotAsDecimalPoint(String text, Double amount) {
        assertEquals(amount, Prices.structured(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "eur     | EUR",
        "USD     | USD",
        "€       | EUR",
        "dollars | null",
        "$       | null",
        "EURO    | null",
    })
    void currenciesAreIsoOrNothing(String text, String code) {
        assertEquals(code, Prices.currency(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "HTTP://Shop.Example:80/a/../b/?utm_source=x&id=3&fbclid=y#top | http://shop.example/b/?id=3",
        "https://shop.example                                          | https://shop.example/",
        "https://shop.example:443/p?gclid=1                            | https://shop.example/p",
        "https://shop.example/p;jsessionid=ABC?x=1                     | https://shop.example/p?x=1",
        "https://shop.example/a b/ü                                    | https://shop.example/a%20b/%C3%BC",
        "https://shop.example/a%20b                                    | https://shop.example/a%20b",
        "mailto:shop@example.com                                       | null",
        "javascript:void(0)                                            | null",
    })
    void normalisesPageUrls(String in, String out) {
        assertEquals(out, Urls.normalise(in));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "https://shop.example/c/lamps | //cdn.example/i.jpg | https://cdn.example/i.jpg",
        "https://shop.example/c/lamps | ../img/a.jpg        | https://shop.example/img/a.jpg",
        "https://shop.example/c/lamps | ?page=2             | https://shop.example/c/lamps?page=2",
        "https://shop.example/c/lamps | data:image/gif;base64,R0 | null",
    })
    void resolvesRelativeAndProtocolRelativeUrls(String base, String ref, String out) {
        assertEquals(out, Urls.resolve(base, ref));
    }
}
