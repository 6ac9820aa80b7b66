package dev.lookalike.scrape;

import dev.lookalike.catalog.Product;
import dev.lookalike.scrape.extract.Prices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Price texts as shops print them, class by class, each with near misses that must not change:
 * a leading decimal point, a currency sign as the decimal mark, words for free, currency tokens,
 * ISO codes beside a dollar sign, texts without a price, and texts with several amounts.
 */
class ShopPricesTest {

    /** "amount currency" for the price, "none" for no price. */
    static String read(String text) {
        Optional<Prices.Money> m = Prices.parse(text);
        return m.map(x -> x.amount() + " " + x.currency()).orElse("none");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        ".75 €          | 0.75 EUR",
        "$.75           | 0.75 null",
        "€.99           | 0.99 EUR",
        "Price: .50     | 0.5 null",
        "(.99 €)        | 0.99 EUR",
        // near misses: a zero written, a point inside a number or after a word
        "0.75 €         | 0.75 EUR",
        "12.75          | 12.75 null",
        "$1.75          | 1.75 null",
        "No.75          | none",
    })
    void leadingDecimalPointIsBelowOne(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "35€ 99         | 35.99 EUR",
        "35€99          | 35.99 EUR",
        "12€90          | 12.9 EUR",
        "4$99           | 4.99 null",
        "Prix : 1299€00 | 1299.0 EUR",
        // near misses: a sign before or after whole units, two prices, a sign apart from the units
        "35 €           | 35.0 EUR",
        "€ 99           | 99.0 EUR",
        "35€            | 35.0 EUR",
        "35€ 99€        | 35.0 EUR",
        "€35 €99        | 35.0 EUR",
        "35€ 999        | 35.0 EUR",
    })
    void currencySignAsDecimalMark(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Free!               | 0.0 null",
        "FREE                | 0.0 null",
        "Gratis              | 0.0 null",
        "Kostenlos           | 0.0 null",
        "Gratuit             | 0.0 null",
        "Price: Free         | 0.0 null",
        "Was €10 Now Free    | 0.0 EUR",
        "Free (was $10)      | 0.0 null",
        // near misses: free shipping is no price, nor is a free gift
        "Free Shipping on Orders $49+ | none",
        "Free Shipping       | none",
        "Shipping: Free      | none",
        "Versand kostenlos   | none",
        "Envío gratis        | none",
        "Buy one get one free | none",
        "$12.99 & FREE Shipping | 12.99 null",
        "0,00 €              | 0.0 EUR",
    })
    void wordsForFreeCostNothing(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @Test
    void importedRowPricedFreeCostsNothing() {
        Product p = Importer.toProduct(Map.of("url", "https://s.example/a", "name", "Sampler", "price", "Free!"));
        assertEquals(0.0, p.price());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "1 200 Р       | 1200.0 RUB",
        "1200Р         | 1200.0 RUB",
        "1 200 руб.    | 1200.0 RUB",
        "1200 руб      | 1200.0 RUB",
        "1200 р.       | 1200.0 RUB",
        "Rp 150.000    | 150000.0 IDR",
        "Rp150.000     | 150000.0 IDR",
        "250 грн       | 250.0 UAH",
        "25 лв.        | 25.0 BGN",
        "25 лв         | 25.0 BGN",
        "12 990 Ft     | 12990.0 HUF",
        "99 TL         | 99.0 TRY",
        "99,90 ₺       | 99.9 TRY",
        "99 zł         | 99.0 PLN",
        "99 zl         | 99.0 PLN",
        "99 pln        | 99.0 PLN",
        "RM 59.90      | 59.9 MYR",
        "RM59.90       | 59.9 MYR",
        "NT$ 500       | 500.0 TWD",
        "10,000원       | 10000.0 KRW",
        "₩10,000       | 10000.0 KRW",
        "150.000đ      | 150000.0 VND",
        "150.000 ₫     | 150000.0 VND",
        "E£ 100        | 100.0 EGP",
        "12 euros      | 12.0 EUR",
        "12 Euro       | 12.0 EUR",
        "500 yen       | 500.0 JPY",
        "1 290 Kč      | 1290.0 CZK",
        // near misses: the same letters inside words, apart from the amount, or another currency
        "£ 100         | 100.0 GBP",
        "Рубашка 1200  | 1200.0 null",
        "Р — цена 1200 | 1200.0 null",
        "TLC 99        | 99.0 null",
        "ARM 59.90     | 59.9 null",
        "RMB 5         | 5.0 null",
        "Soft 12       | 12.0 null",
        "Hose 50 ft    | none",
        "12 Eurostar   | 12.0 null",
        "P 1200        | 1200.0 null",
        "199 kr        | 199.0 null",
        "¥1,200        | 1200.0 null",
    })
    void tokensThatNameOneCurrency(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NZD $100.70 | 100.7 NZD",
        "SGD$4.90    | 4.9 SGD",
        "AU $59.95   | 59.95 AUD",
        "US$ 12      | 12.0 USD",
        "C$ 5        | 5.0 CAD",
        "CA$5        | 5.0 CAD",
        "A$ 5        | 5.0 AUD",
        "HK$ 5       | 5.0 HKD",
        "R$ 5        | 5.0 BRL",
        "MX$ 5       | 5.0 MXN",
        "$12 USD     | 12.0 USD",
        "5,00 $ CA   | 5.0 CAD",
        "5 $ CAD     | 5.0 CAD",
        // near misses: a lone dollar, a size letter before it, a capitalised word that is an ISO code
        "$5          | 5.0 null",
        "Size S $25  | 25.0 null",
        "ALL $25     | 25.0 null",
    })
    void isoCodeBesideDollarWins(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"40% OFF", "15.08.2017", "2017-08-15", "Free Shipping on Orders $49+",
        "Free shipping over $50", "Versandkostenfrei ab 50 €", "Save 20%", "Save $20", "You save: $20.00",
        "$20 off", "-€20", "4.5 out of 5 stars", "4.5/5", "Size 42", "Size: 42", "EU 42", "Qty 2",
        "Item #12345", "No. 5", "Page 1 of 1", "Only 3 left", "4 payments of $15", "Dog & Bone: 0113 277 0634",
        "call us"})
    void textWithoutPriceGivesNone(String text) {
        assertEquals("none", read(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Was $120.00 Now $60.00              | 60.0 null",
        "$120.00 $60.00                      | 60.0 null",
        "$60.00 $120.00                      | 60.0 null",
        "Regular Price $80 Special Price $64 | 64.0 null",
        "Special Price $64 Regular Price $80 | 64.0 null",
        "Sale $60.00 Regular price $120.00 Save $60.00 (50%) | 60.0 null",
        "UVP 79,99 € 49,99 €                 | 49.99 EUR",
        "Now: €49,99 Statt: €79,99           | 49.99 EUR",
        "From $25                            | 25.0 null",
        "$25 - $40                           | 25.0 null",
        "£20.00 – £30.00                     | 20.0 GBP",
        "10 – 20 €                           | 10.0 EUR",
        "€2,49 (€4,98/kg)                    | 2.49 EUR",
        "4,98 €/kg                           | 4.98 EUR",
        "$12.99 + $4.99 shipping             | 12.99 null",
        "$60 or 4 payments of $15            | 60.0 null",
        "Size 42 $10                         | 10.0 null",
        "Item #12345 $10                     | 10.0 null",
        "€55 / $60                           | 55.0 EUR",
        "€120 -€20                           | 120.0 EUR",
        "12,99 € inkl. 19% MwSt.             | 12.99 EUR",
        "Free shipping. Now $60              | 60.0 null",
        "Preis (€): 12,99                    | 12.99 EUR",
        "3 Treatment Pack £5.29 SKU: CS20858_2 | 5.29 GBP",
    })
    void severalAmountsGiveThePrice(String text, String expected) {
        assertEquals(expected, read(text), text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        ".75     | 0.75",
        "Free    | 0.0",
        "40% OFF | null",
        "€12.99  | 12.99",
    })
    void structuredTextPrices(String text, Double amount) {
        assertEquals(amount, Prices.structured(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "zł    | PLN",
        "лв.   | BGN",
        "Ft    | HUF",
        "TL    | TRY",
        "NT$   | TWD",
        "E£    | EGP",
        "RM    | MYR",
        // words and letters that name a currency only beside an amount in text
        "Р     | null",
        "euro  | null",
        "yen   | null",
        "$     | null",
    })
    void dataCurrencySymbols(String text, String code) {
        assertEquals(code, Prices.currency(text));
    }

    @Test
    void tokensInsideWordsNameNoCurrency() {
        for (String word : new String[] {"RMA 12", "12 TLS", "12 Fta", "Leuro 12"}) {
            assertTrue(Prices.parse(word).map(m -> m.currency() == null).orElse(true), word);
        }
    }
}
