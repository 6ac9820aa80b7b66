package dev.lookalike.scrape;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.scrape.extract.ProductExtractor;
import dev.lookalike.scrape.extract.ScrapedProduct;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Recipes: the committed Amazon recipe on saved real pages, and a recipe crawl of the local shop. */
class RecipeTest {

    static final Path AMAZON = Path.of("../shared/shop-pages/amazon");

    @TempDir
    Path dir;

    @Test
    void amazonRecipeReadsSavedAmazonPages() throws Exception {
        assumeTrue(Files.isDirectory(AMAZON), "../shared/shop-pages/amazon is absent: saved Amazon pages not tested");
        Recipe recipe = Recipe.load(Path.of("scraper/amazon.yaml"));
        Map<String, String> expected = Map.of(
                "metascraper-amazon_amazon-com_ansi-url.html", "SainSmart 4-Channel Relay Module | 8.99 USD",
                "metascraper-amazon_amazon-co-uk_product-url.html",
                "Vegetable Perfection: 100 delicious recipes for roots, bulbs, shoots and stems | 4.45 GBP",
                "metascraper-amazon_amazon-com_product-url.html", "The Whole Truth (A. Shaw Book 1) | 10.99 USD",
                "metascraper-amazon_amazon-es_product-url.html", "Cecotec Robot Limpiacristales Windroid 880 "
                        + "SprayWater Smart Connected. 90 W, Pulveriza, Limpia y Seca, Control por App y Mando a "
                        + "Distancia, 4 Programas, Cable 5,5m, Incluye 12 Paños | null null");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            File file = AMAZON.resolve(e.getKey()).toFile();
            String canonical = Jsoup.parse(file, "UTF-8", "https://www.amazon.com/")
                    .selectFirst("link[rel=canonical]").attr("href");
            Document doc = Jsoup.parse(file, "UTF-8", canonical);
            assertTrue(recipe.isProductPage(canonical, false), canonical);
            ScrapedProduct generic = ProductExtractor.extract(doc).orElse(null);
            ScrapedProduct p = recipe.apply(doc, generic, canonical);
            assertEquals(e.getValue(), p.name() + " | " + p.price() + " " + p.currency(), e.getKey());
            assertEquals(1, p.images().size(), e.getKey());
            assertTrue(p.images().get(0).matches("https://m\\.media-amazon\\.com/images/.*_S[LX]\\d+_\\.jpg"),
                    p.images().get(0));
            assertTrue(p.category() != null && p.category().contains(" > "), e.getKey() + ": " + p.category());
            assertEquals(canonical, p.url());
        }
    }

    @Test
    void recipeCrawlsAShopWithoutStructuredData() throws Exception {
        try (TestShop shop = TestShop.empty(); CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            shop.html("/shelf", "<a href='/item/1'>1</a> <a href='/item/2'>2</a> <a href='/about'>About</a>");
            shop.html("/about", "<a href='/item/3'>3</a>");
            shop.html("/item/1", item("Green Teapot", "24,90&nbsp;€", "/img/tea.jpg"));
            shop.html("/item/2", item("Red Kettle", "19.00", "/img/kettle.jpg"));
            shop.html("/item/3", item("Never Reached", "1", "/img/x.jpg"));
            shop.route("/img/", (ex, hit) -> shop.send(ex, 200, "image/jpeg", TestShop.jpeg(ex.getRequestURI().getPath())));
            Path file = recipeFile(shop, "h1.title");
            Crawler crawler = new Crawler(db, new PhotoStore(db, new ImageDecoder()), CrawlerTest.fast(),
                    Crawler.Listener.silent());
            Crawler.Summary s = crawler.run(Crawler.Start.of(file.toString()));
            Map<String, String> found = new TreeMap<>();
            for (Product p : db.products()) {
                found.put(p.name(), p.price() + " " + p.currency() + " " + p.category());
            }
            assertEquals(Map.of("Green Teapot", "24.9 EUR Kitchen > Tea", "Red Kettle", "19.0 CHF Kitchen > Tea"), found);
            assertEquals(0, shop.hits("/about"), "only links matching follow/products are followed");
            assertEquals(2, s.images());
        }
    }

    @Test
    void selectorThatMatchesNothingNamesItselfAndTheUrl() throws Exception {
        try (TestShop shop = TestShop.empty(); CatalogDb db = CatalogDb.open(dir.resolve("c.db"))) {
            shop.html("/shelf", "<a href='/item/1'>1</a>");
            shop.html("/item/1", item("Green Teapot", "24.90", "/img/tea.jpg"));
            Path file = recipeFile(shop, "h1.product-name");
            Crawler crawler = new Crawler(db, new PhotoStore(db, new ImageDecoder()), CrawlerTest.fast(),
                    Crawler.Listener.silent());
            RecipeMismatchException e = assertThrows(RecipeMismatchException.class,
                    () -> crawler.run(Crawler.Start.of(file.toString())));
            assertEquals("recipe selector 'h1.product-name' for name matched nothing on " + shop.url("/item/1"),
                    e.getMessage());
        }
    }

    @Test
    void invalidRecipesAreRefusedWithTheKeyNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Recipe.parse("start: https://shop.example/\nfeilds: {}\n", "x", "x.yaml"));
        assertTrue(e.getMessage().contains("unknown key 'feilds'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Recipe.parse("start: https://shop.example/\nfields: {name: 'h1[['}\n", "x", "x.yaml"));
        assertTrue(e.getMessage().contains("bad CSS selector 'h1[['"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Recipe.parse("start: https://shop.example/\ncurrency: dollars\n", "x", "x.yaml"));
        assertTrue(e.getMessage().contains("not an ISO 4217 code"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Recipe.parse("follow: [a]\n", "x", "x.yaml"));
        assertTrue(e.getMessage().contains("'start' must name at least one URL"), e.getMessage());
    }

    static String item(String name, String price, String image) {
        return "<html><head><title>" + name + "</title></head><body><nav class='crumbs'><a href='/'>Kitchen</a>"
                + "<a href='/shelf'>Tea</a></nav><h1 class='title'>" + name + "</h1><span class='price'>" + price
                + "</span><div class='gallery'><img src='/img/thumb.gif' data-src='" + image + "'></div></body></html>";
    }

    Path recipeFile(TestShop shop, String nameSelector) throws Exception {
        Path file = dir.resolve("teashop.yaml");
        Files.writeString(file, String.join("\n", List.of(
                "name: teashop",
                "start: " + shop.url("/shelf"),
                "follow: ['/shelf$']",
                "products: '/item/\\d+$'",
                "currency: CHF",
                "fields:",
                "  name: '" + nameSelector + "'",
                "  price: '.price'",
                "  category: 'nav.crumbs a'",
                "  images: {css: '.gallery img'}",
                "crawl: {delay_ms: 0}",
                "")));
        return file;
    }
}
