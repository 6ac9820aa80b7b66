package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
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
        r.then().log().ifValidationFails().statusCode(status).contentType(containsString("text/html"));
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
        assertTrue(page(given().queryParam("min_price", "lots").get("/"), 400).contains("Min price must be a number"));
        assertTrue(page(given().queryParam("like", "0123456789abcdef").get("/"), 404).contains("not in the catalogue"));
        assertTrue(page(given().queryParam("q", "-red").get("/"), 400).contains("leave out"));
    }

    /** A two-colour photo: gold on the left half, blue on the right, each on white like the shop's photos. */
    static byte[] goldAndBlue() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(240, 100,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 240, 100);
        g.setColor(new Color(255, 200, 40));
        g.fillRoundRect(8, 8, 104, 84, 24, 24);
        g.setColor(new Color(30, 50, 200));
        g.fillRoundRect(128, 8, 104, 84, 24, 24);
        g.dispose();
        return TestShop.png(img);
    }

    /** Uploads a photo and answers the path of its results page ({@code /?photo=KEY}). */
    static String upload(byte[] png) {
        Response r = given().redirects().follow(false).multiPart("image", "photo.png", png, "image/png")
                .post("/search/photo");
        r.then().statusCode(303);
        return r.header("Location").replaceFirst("^https?://[^/]+", "");
    }

    static List<String> names(String html) {
        Matcher m = Pattern.compile("<h2 class=\"card-name\"><a href=\"[^\"]*\">([^<]*)</a>").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void aCropSearchFindsWhatTheCroppedPartLooksLike() {
        String path = upload(goldAndBlue());
        String whole = page(given().urlEncodingEnabled(false).get(path), 200);
        // the photo is shown above its results, with regions to search by
        assertTrue(whole.contains("src=\"/search/photo?photo="), whole);
        assertTrue(whole.contains("data-width=\"240\" data-height=\"100\""), whole);
        assertTrue(whole.contains(">Left half</a>"), whole);
        String left = page(given().urlEncodingEnabled(false).get(path + "&crop=0,0,120,100"), 200);
        assertTrue(List.of("Gold tap", "Brass tap").contains(names(left).get(0)), names(left).toString());
        assertTrue(left.contains("<rect class=\"crop-box\" x=\"0\" y=\"0\" width=\"120\" height=\"100\""), left);
        String right = page(given().urlEncodingEnabled(false).get(path + "&crop=120,0,120,100"), 200);
        assertTrue(List.of("Blue bowl", "Navy teapot").contains(names(right).get(0)), names(right).toString());
        // the crop's far edges are clipped to the photo; one that starts outside it is refused, in words
        page(given().urlEncodingEnabled(false).get(path + "&crop=120,0,500,500"), 200);
        String outside = page(given().urlEncodingEnabled(false).get(path + "&crop=400,0,50,50"), 400);
        assertTrue(outside.contains("lies outside the photo, which is 240×100 pixels"), outside);
        String bad = page(given().urlEncodingEnabled(false).get(path + "&crop=a,b"), 400);
        assertTrue(bad.contains("The crop box must be four whole numbers"), bad);
        // the preview is a JPEG of the shopper's own photo
        given().urlEncodingEnabled(false).get(path.replace("/?", "/search/photo?")).then().statusCode(200)
                .contentType("image/jpeg");
    }

    @TestHTTPResource("/")
    java.net.URL base;

    @Test
    void aPhotoAtAnAddressIsShownAndCroppedToo() {
        String image = given().get("/api/products/" + TestShop.id("gold-purple-vase")).jsonPath().getString("images[0]");
        // the tests allow fetching from localhost by name (lookalike.web.fetch.allowed-hosts), not by address
        String url = base.toString().replaceFirst("/$", "").replace("127.0.0.1", "localhost") + image;
        String html = page(given().queryParam("image_url", url).get("/"), 200);
        assertTrue(html.contains("src=\"/search/photo?image_url="), html);
        given().queryParam("image_url", url).get("/search/photo").then().statusCode(200).contentType("image/jpeg");
        // the vase is gold on its left half and purple on its right: the right half finds the purple things
        Matcher right = Pattern.compile("href=\"([^\"]*crop=[^\"]*)\"[^>]*>Right half<").matcher(html);
        assertTrue(right.find(), html);
        String purple = page(given().urlEncodingEnabled(false).get(right.group(1).replace("&amp;", "&")), 200);
        assertTrue(List.of("Purple cushion", "Violet throw").contains(names(purple).get(0)), names(purple).toString());
        assertTrue(purple.contains("name=\"image_url\" value=\"" + url + "\""), "the form keeps the address");
    }

    @Test
    void theFormKeepsTheWholeSearch() {
        String path = upload(goldAndBlue());
        String key = path.replaceAll(".*photo=([0-9a-f]+).*", "$1");
        String html = page(given().urlEncodingEnabled(false).get(path + "&crop=0,0,120,100&sort=price"), 200);
        assertTrue(html.contains("<input type=\"hidden\" name=\"photo\" value=\"" + key + "\">"), html);
        assertTrue(html.contains("<input type=\"hidden\" name=\"crop\" value=\"0,0,120,100\">"), html);
        assertTrue(html.contains("href=\"/?photo=" + key + "&amp;sort=price\""), "Whole photo keeps the sort: " + html);
        String url = page(given().queryParam("image_url", "http://example.test/a.jpg").get("/"), 502);
        assertTrue(url.contains("name=\"image_url\" value=\"http://example.test/a.jpg\""), url);
        String lamp = TestShop.id("scarlet-lamp");
        String like = page(given().queryParam("like", lamp).queryParam("q", "lamp").queryParam("shop", TestShop.OUTLET)
                .get("/"), 200);
        assertTrue(like.contains("<input type=\"hidden\" name=\"like\" value=\"" + lamp + "\">"), like);
        assertTrue(like.contains("class=\"clear\" href=\"/?q=lamp&amp;like=" + lamp + "\""),
                "clearing the filters keeps the search: " + like);
    }

    @Test
    void emptyParametersRedirectToTheCleanAddress() {
        given().redirects().follow(false).get("/?q=red&shop=&brand=&min_price=&max_price=&offset=").then()
                .statusCode(303).header("Location", org.hamcrest.Matchers.endsWith("/?q=red"));
        given().redirects().follow(false).get("/?q=red&max_price=100000").then().statusCode(303)
                .header("Location", org.hamcrest.Matchers.endsWith("/?q=red"));
        given().redirects().follow(false).get("/?q=red&sort=price").then().statusCode(200);
    }

    @Test
    void errorsSpeakPlainlyAndKeepTheForm() {
        String max = page(given().queryParam("q", "red").queryParam("max_price", "-3").get("/"), 400);
        assertTrue(max.contains("Max price must be a number of 0 or more"), max);
        assertTrue(max.contains("value=\"red\""), "the search box keeps the words: " + max);
        assertTrue(max.contains("class=\"error-page\""), max);
        String upside = page(given().queryParam("q", "red").queryParam("min_price", "80").queryParam("max_price", "20")
                .get("/"), 400);
        assertTrue(upside.contains("Min price 80.0 is above max price 20.0"), upside);
        assertTrue(upside.contains("value=\"80\"") && upside.contains("value=\"20\""), upside);
        String offset = page(given().queryParam("q", "red").queryParam("offset", "x").get("/"), 400);
        assertTrue(offset.contains("The page offset must be a whole number") && offset.contains("value=\"red\""), offset);
        // an address nothing answers gets the same page, with the search box, not the router's bare text
        String unknown = page(given().queryParam("q", "blue").get("/no/such/page"), 404);
        assertTrue(unknown.contains("class=\"error-page\"") && unknown.contains("Not found"), unknown);
        assertTrue(unknown.contains("id=\"header-q\" name=\"q\" type=\"search\" maxlength=\"500\" value=\"blue\""),
                unknown);
        assertFalse(unknown.contains("Resource not found"), unknown);
        given().get("/api/no-such-thing").then().statusCode(404).contentType(containsString("json"));
        String product = page(given().queryParam("q", "x").get("/products/0123456789abcdef"), 404);
        assertTrue(product.contains("class=\"error-page\"") && product.contains("value=\"x\""), product);
        String tooLarge = page(given().multiPart("image", "big.png", new byte[300 * 1024], "image/png")
                .post("/search/photo"), 413);
        assertTrue(tooLarge.contains("That photo is too large") && tooLarge.contains("larger than 256 KiB"), tooLarge);
        String notPhoto = page(given().multiPart("image", "x.png", "hello".getBytes(), "image/png")
                .post("/search/photo"), 415);
        assertTrue(notPhoto.contains("class=\"error-page\"") && notPhoto.contains("Not a photo Lookalike can read"),
                notPhoto);
    }

    @Test
    void longQueriesGetTheGallerysOwnPage() {
        String box = page(given().get("/"), 200);
        assertTrue(box.contains("id=\"q\" name=\"q\" type=\"search\" maxlength=\"500\""), box);
        for (int n : new int[] {5_000, 200_000}) {
            String html = page(given().queryParam("q", "a".repeat(n)).get("/"), 400);
            assertTrue(html.contains("class=\"error-page\"") && html.contains("500"), html.substring(0, 2000));
        }
    }

    @Test
    void productPhotosAtAFittingSize() {
        String html = page(given().get("/products/" + TestShop.id("red-kettle")), 200);
        Matcher main = Pattern.compile("<img src=\"(/images/[0-9a-f]{64}/thumbnail\\?w=640)\" srcset=\"([^\"]+)\"")
                .matcher(html);
        assertTrue(main.find(), html);
        // the shop photos are 120×100: one candidate, at the width the original really has
        assertTrue(main.group(2).matches("/images/[0-9a-f]{64}/thumbnail\\?w=480 120w"), main.group(2));
        byte[] rendition = given().get(main.group(1)).then().statusCode(200).contentType("image/jpeg").extract()
                .asByteArray();
        try {
            assertTrue(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(rendition)).getWidth() == 120,
                    "never larger than the original");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        given().get(main.group(1).replace("w=640", "w=123")).then().statusCode(400)
                .body(containsString("w must be one of"));
        // the second photo is a link to the page showing it, not to the raw file
        assertTrue(html.contains("href=\"/products/" + TestShop.id("red-kettle") + "?photo=2\""), html);
        String second = page(given().queryParam("photo", 2).get("/products/" + TestShop.id("red-kettle")), 200);
        assertTrue(second.contains("aria-current=\"true\"><img src=\"/images/"), second);
        assertTrue(html.contains("<meta name=\"description\" content=\"Red kettle, €80.00 at Kitchen Corner"), html);
        assertTrue(html.contains("class=\"header-search\""), "a search box on every page");
        assertTrue(html.contains("<span class=\"card-brand\">"), "the brand on every card");
    }

    @Test
    void deliveredCompressedVersionedAndSized() {
        Response home = given().header("Accept-Encoding", "gzip").get("/");
        assertTrue("gzip".equals(home.header("Content-Encoding")), home.headers().toString());
        String html = home.asString();
        Matcher css = Pattern.compile("href=\"(/lookalike\\.css\\?v=[0-9a-f]{12})\"").matcher(html);
        assertTrue(css.find(), html);
        Response style = given().header("Accept-Encoding", "gzip").get(css.group(1));
        style.then().statusCode(200).header("Cache-Control", containsString("immutable"));
        assertTrue("gzip".equals(style.header("Content-Encoding")), style.headers().toString());
        given().get("/lookalike.css").then().header("Cache-Control", "no-cache");
        given().get("/lookalike.css?v=000000000000").then().header("Cache-Control", "no-cache");
        assertTrue(html.contains("<script src=\"/lookalike.js?v="), html);
        assertTrue(html.contains("<meta name=\"description\" content=\"All products: "), html);
        Matcher imgs = Pattern.compile("<img [^>]*>").matcher(html);
        int n = 0;
        while (imgs.find()) {
            String img = imgs.group();
            assertTrue(img.contains(" width=\"") && img.contains(" height=\""), img);
            assertTrue(n > 0 || img.contains("fetchpriority=\"high\"") && !img.contains("loading=\"lazy\""), img);
            n++;
        }
        assertTrue(n > 1, html);
        assertTrue(html.contains("placeholder=\"Try “home”\""), "examples from the catalogue's categories: " + html);
    }

    @Test
    void examplesComeFromTheCataloguesCategoriesAndFitAPhone() {
        assertTrue(GalleryResource.placeholder(List.of("Women > Tops > Hoodies", "Men/Jackets", "home"))
                .equals("Try “hoodies” or “jackets”"));
        assertTrue(GalleryResource.placeholder(List.of("Bathroom faucets and kitchen taps in brass", "Lamps"))
                .equals("Try “lamps”"));
        assertTrue(GalleryResource.placeholder(List.of()).equals("Search by words: a colour, a thing"));
    }
}
