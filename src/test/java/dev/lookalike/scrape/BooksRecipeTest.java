package dev.lookalike.scrape;

import dev.lookalike.scrape.extract.ProductExtractor;
import dev.lookalike.scrape.extract.ScrapedProduct;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** demo's default recipe on a page written after books.toscrape.com's markup. */
class BooksRecipeTest {

    static final String BOOK = """
            <!DOCTYPE html><html lang="en-us"><head><title>A Light in the Attic | Books to Scrape - Sandbox</title></head>
            <body><div class="container-fluid page"><div class="page_inner">
            <ul class="breadcrumb"><li><a href="../../index.html">Home</a></li>
            <li><a href="../category/books_1/index.html">Books</a></li>
            <li><a href="../category/books/poetry_23/index.html">Poetry</a></li>
            <li class="active">A Light in the Attic</li></ul>
            <article class="product_page"><div class="row">
            <div class="col-sm-6"><div id="product_gallery" class="carousel"><div class="thumbnail">
            <div class="carousel-inner"><div class="item active">
            <img src="../../media/cache/fe/72/fe72f0532301ec28892ae79a629a293c.jpg" alt="A Light in the Attic" />
            </div></div></div></div></div>
            <div class="col-sm-6 product_main"><h1>A Light in the Attic</h1>
            <p class="price_color">&pound;51.77</p>
            <p class="instock availability"><i class="icon-ok"></i> In stock (22 available)</p></div>
            </div>
            <div id="product_description" class="sub-header"><h2>Product Description</h2></div>
            <p>It's hard to imagine a world without A Light in the Attic.</p>
            </article></div></div></body></html>
            """;

    @Test
    void readsABookPage() throws Exception {
        Recipe recipe = Recipe.load(Path.of("scraper/books-toscrape.yaml"));
        String url = "https://books.toscrape.com/catalogue/a-light-in-the-attic_1000/index.html";
        assertTrue(recipe.isProductPage(url, false));
        assertTrue(recipe.follows("https://books.toscrape.com/catalogue/page-2.html"));
        assertFalse(recipe.follows("https://books.toscrape.com/catalogue/category/books/poetry_23/index.html"));
        assertFalse(recipe.isProductPage("https://books.toscrape.com/catalogue/category/books/poetry_23/index.html", false));
        Document doc = Jsoup.parse(BOOK, url);
        ScrapedProduct generic = ProductExtractor.extract(doc).orElse(null);
        ScrapedProduct p = recipe.apply(doc, generic, url);
        assertEquals("A Light in the Attic", p.name());
        assertEquals(51.77, p.price());
        assertEquals("GBP", p.currency());
        assertEquals(List.of("https://books.toscrape.com/media/cache/fe/72/fe72f0532301ec28892ae79a629a293c.jpg"),
                p.images());
        assertEquals("Home > Books > Poetry", p.category());
        assertTrue(p.description().startsWith("It's hard to imagine"), p.description());
        assertEquals(List.of("https://books.toscrape.com/index.html"), recipe.start());
    }
}
