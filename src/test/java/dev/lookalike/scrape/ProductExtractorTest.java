package dev.lookalike.scrape;

import dev.lookalike.scrape.extract.ProductExtractor;
import dev.lookalike.scrape.extract.ScrapedProduct;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Extraction from saved real pages (when ../shared is there) and from markup written to be awkward. */
class ProductExtractorTest {

    static final Path EXTRUCT = Path.of("../shared/shop-pages/extruct");

    static ScrapedProduct extract(String html, String url) {
        return ProductExtractor.extract(Jsoup.parse(html, url)).orElseThrow(() -> new AssertionError("no product"));
    }

    static Document saved(String name, String url) throws Exception {
        assumeTrue(Files.isDirectory(EXTRUCT), "../shared/shop-pages/extruct is absent: saved pages not tested");
        return Jsoup.parse(EXTRUCT.resolve(name).toFile(), null, url);
    }

    @Test
    void microdataWithNestedOfferFromSavedPage() throws Exception {
        ScrapedProduct p = ProductExtractor.extract(saved("product_microdata.html", "https://acme.example/anvil"))
                .orElseThrow();
        assertEquals("Executive Anvil", p.name());
        assertEquals(119.99, p.price());
        assertEquals("USD", p.currency());
        assertEquals("ACME", p.brand());
        assertEquals("InStock", p.availability());
        assertEquals("925872", p.sku());
        assertEquals(List.of("https://acme.example/anvil_executive.jpg"), p.images());
        assertEquals("microdata", p.source());
    }

    @Test
    void microdataItemrefAddsReferencedPropertiesFromSavedPage() throws Exception {
        ScrapedProduct p = ProductExtractor.extract(saved("product-ref.html", "https://acme.example/anvil")).orElseThrow();
        assertEquals("Executive Anvil", p.name());
        assertEquals(119.99, p.price());
        assertEquals(List.of("https://acme.example/anvil_executive.jpg", "https://acme.example/img-2.jpg"), p.images());
    }

    @Test
    void microdataAggregateOfferFromSavedPage() throws Exception {
        ScrapedProduct p = ProductExtractor.extract(saved("microdata-with-description.html",
                "https://pets.example/johnsons")).orElseThrow();
        assertEquals("Johnsons 4 Fleas Cats & Kittens Tablets", p.name());
        assertEquals(5.29, p.price());
        assertEquals("GBP", p.currency());
        assertEquals("Johnsons", p.brand());
    }

    @Test
    void openGraphProductFromSavedPage() throws Exception {
        ScrapedProduct p = ProductExtractor.extract(saved("opengraph_ns_product_test.html",
                "https://www.fye.com/better-off-dead-exclusive-blu-ray-steelbook-fye.000000032429335302.html")).orElseThrow();
        assertTrue(p.name().startsWith("Better Off Dead [Exclusive Blu-ray Steelbook]"), p.name());
        assertEquals(17.99, p.price());
        assertEquals("USD", p.currency());
    }

    @Test
    void articleIsNoProduct() throws Exception {
        assertTrue(ProductExtractor.extract(saved("expanded_OG_support_test.html", "https://news.example/a")).isEmpty());
    }

    @Test
    void jsonLdReferencesAndImageObjectsResolve() {
        ScrapedProduct p = extract("""
                <script type="application/ld+json">
                {"@context": "https://schema.org", "@graph": [
                  {"@type": "Offer", "@id": "#o", "price": 12, "priceCurrency": "EUR",
                   "availability": "http://schema.org/PreOrder"},
                  {"@type": "ItemPage", "mainEntity": {"@id": "#p"}},
                  {"@type": ["Product", "Thing"], "@id": "#p", "name": "Ref&amp;Lamp",
                   "image": [{"@type": "ImageObject", "contentUrl": "img/1.jpg"}, "img/1.jpg", "//cdn.example/2.jpg"],
                   "offers": {"@id": "#o"}}]}
                </script>""", "https://shop.example/p/x");
        assertEquals("Ref&Lamp", p.name());
        assertEquals(12.0, p.price());
        assertEquals("EUR", p.currency());
        assertEquals("PreOrder", p.availability());
        assertEquals(List.of("https://shop.example/p/img/1.jpg", "https://cdn.example/2.jpg"), p.images());
    }

    @Test
    void priceSpecificationAndTrailingCommasAndRawNewlines() {
        ScrapedProduct p = extract("<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"Line\nbreak\","
                + " \"offers\": {\"priceSpecification\": [{\"price\": \"7.50\", \"priceCurrency\": \"GBP\"},],},}</script>",
                "https://shop.example/p/y");
        assertEquals("Line break", p.name());
        assertEquals(7.5, p.price());
        assertEquals("GBP", p.currency());
    }

    @Test
    void lowerSourceCurrencyIsBorrowedOnlyForTheSamePrice() {
        String ld = "<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"Mug\", \"offers\": {\"price\": %s}}</script>";
        String og = "<meta property='og:type' content='product'><meta property='product:price:amount' content='9.00'>"
                + "<meta property='product:price:currency' content='EUR'>";
        assertEquals("EUR", extract(String.format(ld, "9") + og, "https://s.example/m").currency());
        ScrapedProduct other = extract(String.format(ld, "11") + og, "https://s.example/m");
        assertEquals(11.0, other.price());
        assertEquals(null, other.currency(), "a different price's currency is not borrowed");
    }

    @Test
    void srcsetWithCommasInUrlsAndDensityDescriptors() {
        ScrapedProduct p = extract("""
                <div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Rug</span>
                <img itemprop="image" srcset="https://img.example/w_200,h_200/rug.jpg 200w, https://img.example/w_900,h_900/rug.jpg 900w">
                <img itemprop="image" src="/small.jpg" srcset="/a.jpg 1x, /b.jpg 2x">
                <img itemprop="image" src="/thumb.jpg" data-zoom-image="/zoom.jpg"></div>""", "https://shop.example/rug");
        assertEquals(List.of("https://img.example/w_900,h_900/rug.jpg", "https://shop.example/b.jpg",
                "https://shop.example/zoom.jpg"), p.images());
    }

    @Test
    void canonicalOnAnotherHostIsIgnored() {
        ScrapedProduct p = extract("<link rel=canonical href='https://other.example/x'><meta property='og:type' "
                + "content='product'><meta property='og:title' content='Cup'>", "https://shop.example/p/cup?utm_source=a");
        assertEquals("https://shop.example/p/cup", p.url());
    }

    @Test
    void microdataFilmWithAdditionalTypeProductIsAProduct() {
        ScrapedProduct p = extract("""
                <div itemscope itemtype="https://schema.org/Movie">
                  <link itemprop="additionalType" href="https://schema.org/Product">
                  <h1 itemprop="name">Better Off Dead</h1>
                  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
                    <span itemprop="price">$.75</span></div></div>""", "https://films.example/bod");
        assertEquals("Better Off Dead", p.name());
        assertEquals(0.75, p.price());
        assertEquals("microdata", p.source());
    }

    @Test
    void additionalTypeAsMetaPropertyOrAttributeMakesAProduct() {
        for (String marker : List.of("<meta itemprop='additionalType' content='http://schema.org/Product'>",
                "<link property='additionalType' href='https://schema.org/Product'>",
                "<meta itemprop='additionalType' content='schema:IndividualProduct'>")) {
            ScrapedProduct p = extract("<div itemscope itemtype='https://schema.org/Movie'>" + marker
                    + "<span itemprop='name'>Heat</span><meta itemprop='price' content='9.99'></div>",
                    "https://films.example/heat");
            assertEquals("Heat", p.name(), marker);
        }
        ScrapedProduct p = extract("<div itemscope itemtype='https://schema.org/Movie' "
                + "additionalType='https://schema.org/Product'><span itemprop='name'>Ran</span></div>",
                "https://films.example/ran");
        assertEquals("Ran", p.name());
    }

    @Test
    void jsonLdFilmWithAdditionalTypeProductIsAProduct() {
        ScrapedProduct p = extract("""
                <script type="application/ld+json">
                {"@context": "https://schema.org", "@type": "Movie", "additionalType": ["https://schema.org/Product"],
                 "name": "Heat", "offers": {"@type": "Offer", "price": "Free", "priceCurrency": "USD"}}
                </script>""", "https://films.example/heat");
        assertEquals("Heat", p.name());
        assertEquals(0.0, p.price());
        assertEquals("USD", p.currency());
        assertEquals("json-ld", p.source());
    }

    @Test
    void rdfaFilmWithAdditionalTypeProductIsAProduct() {
        ScrapedProduct p = extract("""
                <div vocab="https://schema.org/" typeof="Movie">
                  <link property="additionalType" href="https://schema.org/Product">
                  <span property="name">Ran</span>
                  <div property="offers" typeof="Offer"><span property="price">35€ 99</span></div></div>""",
                "https://films.example/ran");
        assertEquals("Ran", p.name());
        assertEquals(35.99, p.price());
        assertEquals("EUR", p.currency());
        assertEquals("rdfa", p.source());
    }

    @Test
    void filmWithoutProductTypeIsNoProduct() {
        for (String html : List.of(
                "<div itemscope itemtype='https://schema.org/Movie'><span itemprop='name'>Heat</span>"
                        + "<meta itemprop='price' content='9.99'></div>",
                "<div itemscope itemtype='https://schema.org/Movie'><link itemprop='additionalType' "
                        + "href='http://www.productontology.org/id/Film'><span itemprop='name'>Heat</span></div>",
                "<script type='application/ld+json'>{\"@type\": \"Movie\", \"name\": \"Heat\","
                        + " \"additionalType\": \"https://example.org/Product\"}</script>")) {
            assertTrue(ProductExtractor.extract(Jsoup.parse(html, "https://films.example/heat")).isEmpty(), html);
        }
    }

    @Test
    void microdataPriceTextIsReadAsShopsWriteIt() {
        String page = "<div itemscope itemtype='https://schema.org/Product'><span itemprop='name'>Sampler</span>"
                + "<div itemprop='offers' itemscope itemtype='https://schema.org/Offer'>"
                + "<span itemprop='price'>%s</span></div></div>";
        assertEquals(0.0, extract(String.format(page, "Free!"), "https://s.example/a").price());
        ScrapedProduct sale = extract(String.format(page, "Was $120.00 Now $60.00"), "https://s.example/a");
        assertEquals(60.0, sale.price());
        ScrapedProduct nz = extract(String.format(page, "NZD $100.70"), "https://s.example/a");
        assertEquals("NZD", nz.currency());
        assertEquals(null, extract(String.format(page, "40% OFF"), "https://s.example/a").price());
    }
}
