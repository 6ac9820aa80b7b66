package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server-rendered gallery pages as HTML: states in URLs, escaping, errors as pages. */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class GalleryTest {

    @BeforeEach
    void ready() {
        Ready.await();
    }

    static String page(Response r, int status) {
        r.then().statusCode(status).contentType(containsString("text/html"));
        return r.asString();
    }

    @Test
    void homeListsProductsAndSendsSafetyHeaders() {
        Response r = given().get("/");
        String html = page(r, 200);
        assertTrue(html.contains("class=\"card\""), html);
        assertTrue(r.header("Content-Security-Policy").contains("script-src 'self'"));
        assertTrue(html.contains("<label class=\"visually-hidden\" for=\"q\">"), "the search box has a label");
        assertTrue(html.contains("All products"));
    }

    @Test
    void shopTextIsEscapedEverywhere() {
        String html = page(given().queryParam("q", "red").get("/"), 200);
        assertFalse(html.contains("<script>alert"), "a product name must never become markup");
        assertTrue(html.contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;b&gt;Ruby&lt;/b&gt; &amp; kettle")
                || html.contains("&lt;script&gt;alert(\"pwned\")&lt;/script&gt;&lt;b&gt;Ruby&lt;/b&gt; &amp; kettle"), html);
        assertTrue(html.contains("Home &amp; Garden &lt;Outlet&gt;"));
        String product = page(given().get("/products/" + TestShop.id("ruby-kettle")), 200);
        assertFalse(product.contains("<script>alert") || product.contains("<i>from"), product);
        String mint = page(given().get("/products/" + TestShop.id("mint-bowl")), 200);
        assertFalse(mint.contains("javascript:"), "a shop URL that is not http(s) is never a link");
        given().queryParam("q", "\"><script>x</script>").get("/").then().body(not(containsString("<script>x")));
    }

    @Test
    void everyStateIsAUrl() {
        String cheap = page(given().queryParam("q", "red").queryParam("max_price", 50).get("/"), 200);
        Matcher prices = Pattern.compile("<span class=\"price\">[€$]([0-9.]+)</span>").matcher(cheap);
        int n = 0;
        while (prices.find()) {
            assertTrue(Double.parseDouble(prices.group(1)) <= 50, prices.group());
            n++;
        }
        assertTrue(n > 0, cheap);
        String lamp = TestShop.id("scarlet-lamp");
        String cheaper = page(given().queryParam("like", lamp).queryParam("cheaper", "true").get("/"), 200);
        assertTrue(cheaper.contains("Cheaper lookalikes of Scarlet lamp"), cheaper);
        assertTrue(cheaper.contains("save €"), cheaper);
        assertTrue(cheaper.contains("href=\"/?like=" + lamp + "\""), "the toggle leads back: " + cheaper);
        String paged = page(given().queryParam("q", "red").get("/"), 200);
        assertTrue(paged.contains("href=\"/?q=red&amp;offset=6\""), paged);
        String second = page(given().queryParam("q", "red").queryParam("offset", 6).get("/"), 200);
        assertTrue(second.contains("rel=\"prev\" href=\"/?q=red\""), second);
    }

    @Test
    void productPageShowsLookalikesAndCheaperOnes() {
        String html = page(given().get("/products/" + TestShop.id("red-kettle")), 200);
        assertTrue(html.contains("Looks like this") && html.contains("Cheaper lookalikes"), html);
        assertTrue(html.contains("href=\"https://shop.test/p/red-kettle\""), html);
        assertTrue(html.contains("save €60.00"), "the crimson mug is €60 cheaper: " + html);
        assertTrue(html.contains("alt=\"Red kettle, photo 2\""), "every photo has alt text");
    }

    @Test
    void uploadRedirectsToAShareablePage() {
        byte[] red = TestShop.photo(new Color(230, 20, 20), null, new Random(4));
        Response r = given().redirects().follow(false).multiPart("image", "red.png", red, "image/png")
                .post("/search/photo");
        r.then().statusCode(303);
        String location = r.header("Location");
        assertTrue(location.contains("/?photo="), location);
        String html = page(given().urlEncodingEnabled(false).get(location.replaceFirst("^https?://[^/]+", "")), 200);
        assertTrue(html.contains("Looks like your photo"), html);
        page(given().queryParam("photo", "ffffffffffffffff").get("/"), 404);
        Response url = given().redirects().follow(false).multiPart("url", "http://example.test/a.jpg")
                .post("/search/photo");
        url.then().statusCode(303).header("Location", containsString("image_url=http"));
        given().multiPart("url", "").post("/search/photo").then().statusCode(400)
                .contentType(containsString("text/html"));
    }

    @Test
    void mistakesArePagesNotJson() {
        assertTrue(page(given().get("/products/0123456789abcdef"), 404).contains("Not found"));
        assertTrue(page(given().queryParam("min_price", "lots").get("/"), 400).contains("min_price"));
        assertTrue(page(given().queryParam("like", "0123456789abcdef").get("/"), 404).contains("not in the catalogue"));
        assertTrue(page(given().queryParam("q", "-red").get("/"), 400).contains("leave out"));
    }
}
