package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint of the JSON API against the colour-embedded test shop. */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class ApiTest {

    static final List<String> REDS = List.of("Red kettle", "Crimson mug", "Scarlet lamp", "Cherry toaster",
            TestShop.EVIL_NAME, "Red kettle (US)", "Red mystery box");

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    static JsonPath ok(Response r) {
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    static List<String> names(JsonPath json) {
        return json.getList("results.name");
    }

    @Test
    void redRanksRedProductsFirstWithTheDocumentedShape() {
        JsonPath json = ok(given().queryParam("q", "red").get("/api/search"));
        List<String> names = names(json);
        assertFalse(names.isEmpty());
        assertTrue(REDS.containsAll(names.subList(0, 4)), names.toString());
        Map<String, Object> first = json.getMap("results[0]");
        assertEquals(List.of("id", "name", "price", "currency", "url", "image", "score", "matched", "matched_fields",
                "matched_words", "offers", "from_price"), List.copyOf(first.keySet()));
        assertEquals(List.of("look", "words"), first.get("matched"), first.toString());
        assertEquals(List.of("name", "description"), first.get("matched_fields"), first.toString());
        assertEquals(List.of("Red"), first.get("matched_words"), first.toString());
        assertTrue(((String) first.get("image")).matches("/images/[0-9a-f]{64}"), first.toString());
        assertEquals(20, json.getInt("limit"));
        assertEquals(0, json.getInt("offset"));
        // the relative floor keeps the far-off colours out
        assertFalse(names.contains("Blue bowl") || names.contains("Green vase"), names.toString());
    }

    @Test
    void pagesLinkToTheNextAndDoNotOverlap() {
        JsonPath first = ok(given().queryParam("q", "red").queryParam("limit", 2).get("/api/search"));
        assertEquals(2, names(first).size());
        String next = first.getString("next");
        assertTrue(next.startsWith("/api/search?") && next.contains("offset=2") && next.contains("q=red"), next);
        JsonPath second = ok(given().urlEncodingEnabled(false).get(next));
        assertEquals(2, second.getInt("offset"));
        assertFalse(names(second).stream().anyMatch(names(first)::contains));
        JsonPath last = ok(given().queryParam("q", "red").queryParam("limit", 100).get("/api/search"));
        assertEquals(null, last.getString("next"));
    }

    @Test
    void filtersApplyToEveryResult() {
        JsonPath cheap = ok(given().queryParam("q", "red").queryParam("max_price", 50).queryParam("min_price", 15)
                .get("/api/search"));
        assertFalse(names(cheap).isEmpty());
        for (Float price : cheap.getList("results.price", Float.class)) {
            assertTrue(price >= 15 && price <= 50, cheap.prettify());
        }
        JsonPath kitchen = ok(given().queryParam("q", "red").queryParam("shop", "kitchen corner").get("/api/search"));
        assertTrue(names(kitchen).containsAll(List.of("Red kettle", "Crimson mug")), kitchen.prettify());
        assertFalse(names(kitchen).contains("Scarlet lamp"));
        JsonPath lumo = ok(given().queryParam("q", "red").queryParam("brand", "LUMO").get("/api/search"));
        assertTrue(names(lumo).contains("Scarlet lamp"));
        assertFalse(names(lumo).contains("Red kettle"));
    }

    @Test
    void excludedWordsSteerAway() {
        // red + yellow is orange; leaving yellow out again moves toward red
        List<String> orange = names(ok(given().queryParam("q", "red yellow").queryParam("mode", "look")
                .get("/api/search")));
        assertEquals("Orange clock", orange.get(0), orange.toString());
        List<String> noYellow = names(ok(given().queryParam("q", "red yellow -yellow").queryParam("mode", "look")
                .get("/api/search")));
        assertTrue(REDS.contains(noYellow.get(0)), noYellow.toString());
        assertTrue(!noYellow.contains("Orange clock") || noYellow.indexOf("Orange clock") > 0, noYellow.toString());
        assertFalse(noYellow.contains("Lemon jug"), noYellow.toString());
    }

    @Test
    void wordsAndLookFuseAndEachResultSaysWhyItMatched() {
        // words alone: only products whose text says kettle, found by their name
        JsonPath words = ok(given().queryParam("q", "kettle").queryParam("mode", "words").get("/api/search"));
        assertFalse(names(words).isEmpty());
        for (Map<String, Object> r : words.<Map<String, Object>>getList("results")) {
            assertTrue(((String) r.get("name")).toLowerCase().contains("kettle"), r.toString());
            assertEquals(List.of("words"), r.get("matched"), r.toString());
            assertTrue(((List<?>) r.get("matched_fields")).contains("name"), r.toString());
        }
        // both: the red kettles have the look and the word, and come before red things that are not kettles
        List<String> both = names(ok(given().queryParam("q", "red kettle").get("/api/search")));
        assertEquals("Red kettle", both.get(0), both.toString());
        assertTrue(both.indexOf("Red kettle (US)") < both.indexOf("Crimson mug"), both.toString());
        // a product found by its words only still appears: the blue bowl's look is far from "mint"
        JsonPath mint = ok(given().queryParam("q", "red mint").get("/api/search"));
        assertTrue(names(mint).contains("Mint bowl"), mint.prettify());
        // an exact name is first, even one the look would not rank first
        assertEquals("Brass tap", names(ok(given().queryParam("q", "brass tap").get("/api/search"))).get(0));
        // "quoted words" must appear
        List<String> quoted = names(ok(given().queryParam("q", "red \"mystery box\"").get("/api/search")));
        assertEquals(List.of("Red mystery box"), quoted);
        // -word drops products whose text has it
        List<String> noKettle = names(ok(given().queryParam("q", "red -kettle").get("/api/search")));
        assertFalse(noKettle.stream().anyMatch(n -> n.toLowerCase().contains("kettle")), noKettle.toString());
        given().queryParam("q", "red").queryParam("mode", "colour").get("/api/search").then().statusCode(400)
                .body("error", containsString("mode must be both, look or words"));
    }

    @Test
    void anItemTwoShopsSellIsOneResultWithBothOffers() {
        JsonPath json = ok(given().queryParam("q", "gold tap").get("/api/search"));
        List<Map<String, Object>> taps = json.<Map<String, Object>>getList("results").stream()
                .filter(r -> r.get("name").equals("Gold tap")).toList();
        assertEquals(1, taps.size(), json.prettify());
        List<Map<String, Object>> offers = (List<Map<String, Object>>) taps.get(0).get("offers");
        assertEquals(2, offers.size(), offers.toString());
        assertEquals(110.0f, ((Number) offers.get(0).get("price")).floatValue(), "cheapest first: " + offers);
        assertEquals(TestShop.OUTLET, offers.get(0).get("shop"));
        assertEquals(TestShop.id(TestShop.OUTLET_GOLD_TAP), offers.get(0).get("product"));
        assertEquals(110.0f, ((Number) taps.get(0).get("from_price")).floatValue());
        // the product page lists the other shop's offer
        JsonPath product = ok(given().get("/api/products/" + TestShop.id("gold-tap")));
        assertEquals(List.of(TestShop.OUTLET), product.getList("offers.shop"));
        assertEquals(List.of(), ok(given().get("/api/products/" + TestShop.id("black-pan"))).getList("offers"));
        // cheaper lookalikes say which is the same item elsewhere, with the saving
        JsonPath cheaper = ok(given().queryParam("cheaper", "true").get("/api/products/" + TestShop.id("gold-tap")
                + "/similar"));
        Map<String, Object> first = cheaper.getMap("results[0]");
        assertEquals(TestShop.id(TestShop.OUTLET_GOLD_TAP), first.get("id"), cheaper.prettify());
        assertEquals(true, first.get("same_item"));
        assertEquals(30.0f, ((Number) first.get("saving")).floatValue());
        assertEquals(21.4f, ((Number) first.get("saving_percent")).floatValue());
        for (Map<String, Object> r : cheaper.<Map<String, Object>>getList("results").subList(1, names(cheaper).size())) {
            assertEquals(false, r.get("same_item"), r.toString());
        }
    }

    @Test
    void totalsFacetCountsSortAndTheRelevanceCut() {
        JsonPath red = ok(given().queryParam("q", "red").queryParam("mode", "look").get("/api/search"));
        int total = red.getInt("total");
        assertEquals(names(red).size(), total, "one page holds them all");
        // shops count their own offers: an item two shops sell is one result and counts in both
        int counted = red.<Integer>getList("facets.shops.count").stream().mapToInt(Integer::intValue).sum();
        int offers = red.<List<?>>getList("results.offers").stream().mapToInt(List::size).sum();
        assertEquals(offers, counted, red.prettify());
        // choosing a shop keeps the other shops' counts: they say what switching gives
        JsonPath kitchen = ok(given().queryParam("q", "red").queryParam("mode", "look")
                .queryParam("shop", TestShop.KITCHEN).get("/api/search"));
        assertEquals(red.getList("facets.shops"), kitchen.getList("facets.shops"));
        int kitchenCount = red.<Map<String, Object>>getList("facets.shops").stream()
                .filter(c -> c.get("value").equals(TestShop.KITCHEN)).mapToInt(c -> (Integer) c.get("count")).sum();
        assertEquals(kitchenCount, kitchen.getInt("total"));
        assertFalse(red.getList("facets.prices").isEmpty());
        // the cut left the far-off colours out, and says where the looser matches are
        String looser = red.getString("looser");
        assertTrue(looser != null && looser.contains("floor=off"), red.prettify());
        JsonPath all = ok(given().urlEncodingEnabled(false).get(looser + "&limit=100"));
        assertTrue(all.getInt("total") > total && names(all).contains("Blue bowl"), all.prettify());
        assertEquals(null, all.getString("looser"));
        // price order among the results that pass the cut: the same products, cheapest first, no price last
        JsonPath byPrice = ok(given().queryParam("q", "red").queryParam("mode", "look").queryParam("sort", "price")
                .get("/api/search"));
        assertEquals(new java.util.HashSet<>(names(red)), new java.util.HashSet<>(names(byPrice)));
        List<Float> prices = byPrice.getList("results.price", Float.class);
        for (int i = 1; i < prices.size(); i++) {
            assertTrue(prices.get(i) == null || (prices.get(i - 1) != null && prices.get(i - 1) <= prices.get(i)),
                    prices.toString());
        }
        List<Float> down = ok(given().queryParam("q", "red").queryParam("mode", "look").queryParam("sort", "-price")
                .get("/api/search")).getList("results.price", Float.class);
        assertTrue(down.get(0) >= down.get(1), down.toString());
        given().queryParam("q", "red").queryParam("sort", "cheapest").get("/api/search").then().statusCode(400)
                .body("error", containsString("sort must be relevance, price or -price"));
        given().queryParam("q", "red").queryParam("floor", "maybe").get("/api/search").then().statusCode(400);
        // diversity keeps the same results on a page, in another order at most
        JsonPath diverse = ok(given().queryParam("q", "red").queryParam("mode", "look").queryParam("diverse", "true")
                .get("/api/search"));
        assertEquals(new java.util.HashSet<>(names(red)), new java.util.HashSet<>(names(diverse)));
        assertEquals(names(red).get(0), names(diverse).get(0));
    }

    @Test
    void likeWithTextMovesTowardTheText() {
        String kettle = TestShop.id("red-kettle");
        List<String> like = names(ok(given().queryParam("like", kettle).queryParam("limit", 100).get("/api/search")));
        List<String> steered = names(ok(given().queryParam("like", kettle).queryParam("q", "yellow")
                .queryParam("limit", 100).get("/api/search")));
        assertFalse(like.contains("Red kettle"), "never the product itself");
        assertTrue(REDS.contains(like.get(0)), like.toString());
        int before = like.contains("Orange clock") ? like.indexOf("Orange clock") : Integer.MAX_VALUE;
        assertTrue(steered.contains("Orange clock") && steered.indexOf("Orange clock") < before,
                like + " vs " + steered);
    }

    @Test
    void productAndLookalikes() {
        String kettle = TestShop.id("red-kettle");
        JsonPath p = ok(given().get("/api/products/" + kettle));
        assertEquals("Red kettle", p.getString("name"));
        assertEquals(80.0, p.getDouble("price"), 1e-9);
        assertEquals(2, p.getList("images").size());
        assertEquals("/api/products/" + kettle + "/similar", p.getString("similar"));

        JsonPath similar = ok(given().get("/api/products/" + kettle + "/similar"));
        assertEquals(kettle, similar.getString("product.id"));
        assertFalse(similar.getList("results.id").contains(kettle));
        assertTrue(REDS.contains(names(similar).get(0)), similar.prettify());
        assertFalse(similar.getMap("results[0]").containsKey("saving"));
    }

    @Test
    void cheaperNeverReturnsADearerProductAndShowsTheSaving() {
        for (String slug : List.of("red-kettle", "scarlet-lamp", "gold-tap", "yellow-chair")) {
            String id = TestShop.id(slug);
            double price = ok(given().get("/api/products/" + id)).getDouble("price");
            JsonPath cheaper = ok(given().queryParam("cheaper", "true").queryParam("limit", 100)
                    .get("/api/products/" + id + "/similar"));
            for (Map<String, Object> r : cheaper.<Map<String, Object>>getList("results")) {
                double p = ((Number) r.get("price")).doubleValue();
                assertTrue(p < price, slug + ": " + r);
                assertEquals("EUR", r.get("currency"), r.toString());
                assertEquals(price - p, ((Number) r.get("saving")).doubleValue(), 0.005, r.toString());
                assertNotEquals(id, r.get("id"));
            }
        }
        List<String> kettle = names(ok(given().queryParam("cheaper", "true")
                .get("/api/products/" + TestShop.id("red-kettle") + "/similar")));
        assertTrue(kettle.contains("Crimson mug"), kettle.toString());
        assertFalse(kettle.contains("Red kettle (US)"), "another currency is never called cheaper");
    }

    @Test
    void mistakesAreJsonWithTheRightStatus() {
        given().get("/api/search").then().statusCode(400).contentType("application/json")
                .body("error", containsString("q=")).body("status", equalTo(400));
        given().queryParam("q", "red").queryParam("limit", "lots").get("/api/search").then().statusCode(400)
                .body("error", containsString("limit"));
        given().queryParam("q", "red").queryParam("limit", 0).get("/api/search").then().statusCode(400);
        given().queryParam("q", "red").queryParam("min_price", "cheap").get("/api/search").then().statusCode(400)
                .body("error", containsString("min_price"));
        given().queryParam("q", "red").queryParam("min_price", 50).queryParam("max_price", 10).get("/api/search")
                .then().statusCode(400).body("error", containsString("above"));
        given().queryParam("q", "-red").get("/api/search").then().statusCode(400)
                .body("error", containsString("leave out"));
        // found only after the text tower ran, on a worker thread: still a JSON 400
        given().queryParam("q", "red -red -red").get("/api/search").then().statusCode(400)
                .contentType("application/json").body("error", containsString("cancels"));
        given().queryParam("q", "red").queryParam("cheaper", "true").get("/api/search").then().statusCode(400)
                .body("error", containsString("like"));
        given().queryParam("like", "not-an-id").get("/api/search").then().statusCode(400);
        given().queryParam("like", "0123456789abcdef").get("/api/search").then().statusCode(404)
                .body("error", containsString("0123456789abcdef"));
        given().get("/api/products/0123456789abcdef").then().statusCode(404).contentType("application/json");
        given().get("/api/products/0123456789abcdef/similar").then().statusCode(404);
        given().queryParam("cheaper", "true").get("/api/products/" + TestShop.id("red-mystery") + "/similar")
                .then().statusCode(400).body("error", containsString("no price"));
        // a well-formed request about a product whose photos are broken: not the asker's error, and it says why
        for (String path : List.of("/api/products/" + TestShop.id(TestShop.BROKEN_PHOTO) + "/similar",
                "/api/search?like=" + TestShop.id(TestShop.BROKEN_PHOTO))) {
            given().get(path).then().statusCode(500).contentType("application/json")
                    .body("error", containsString("no usable photo"))
                    .body("error", containsString("HTTP 404 Not Found"))
                    .body("error", containsString(TestShop.url(TestShop.BROKEN_PHOTO) + "/1.png"));
        }
    }

    @Test
    void searchByUploadedPhoto() {
        byte[] red = TestShop.photo(new java.awt.Color(230, 20, 20), null, new Random(1));
        JsonPath json = ok(given().multiPart("image", "red.png", red, "image/png").post("/api/search/image"));
        assertTrue(REDS.contains(names(json).get(0)), json.prettify());

        byte[] big = new byte[300 * 1024];
        new Random(2).nextBytes(big);
        given().multiPart("image", "big.png", big, "image/png").post("/api/search/image").then().statusCode(413)
                .contentType("application/json").body("error", containsString("larger"));
        given().multiPart("image", "notes.txt", "just some text".getBytes(), "text/plain").post("/api/search/image")
                .then().statusCode(415).body("status", equalTo(415));
        given().multiPart("other", "x").post("/api/search/image").then().statusCode(400)
                .body("error", containsString("image"));
    }

    @Test
    void searchByPhotoUrlRefusesPrivateAddresses() {
        String image = ok(given().get("/api/products/" + TestShop.id("blue-bowl"))).getString("images[0]");
        // the test profile allows the host name localhost (only): the app fetches its own image
        JsonPath json = ok(given().queryParam("url", "http://localhost:" + base.getPort() + image)
                .get("/api/search/image"));
        assertEquals("Blue bowl", names(json).get(0), json.prettify());

        given().queryParam("url", "http://127.0.0.1:" + base.getPort() + image).get("/api/search/image").then()
                .statusCode(400).body("error", containsString("private"));
        given().queryParam("url", "http://[::1]:" + base.getPort() + image).get("/api/search/image").then()
                .statusCode(400);
        given().queryParam("url", "http://169.254.169.254/latest/meta-data/").get("/api/search/image").then()
                .statusCode(400);
        given().queryParam("url", "file:///etc/passwd").get("/api/search/image").then().statusCode(400);
        given().get("/api/search/image").then().statusCode(400);
        given().queryParam("url", "http://localhost:" + base.getPort() + "/images/" + "0".repeat(64))
                .get("/api/search/image").then().statusCode(502).body("error", containsString("404"));
        given().queryParam("url", "http://localhost:" + base.getPort() + "/lookalike.css")
                .get("/api/search/image").then().statusCode(415);
    }

    @Test
    void imagesAreServedWithCacheHeadersAndETags() {
        String image = ok(given().get("/api/products/" + TestShop.id("gold-tap"))).getString("images[0]");
        String id = image.substring("/images/".length());
        Response full = given().get(image);
        full.then().statusCode(200).contentType("image/png").header("ETag", "\"" + id + "\"")
                .header("Cache-Control", containsString("immutable"));
        given().header("If-None-Match", "\"" + id + "\"").get(image).then().statusCode(304)
                .header("ETag", "\"" + id + "\"");
        given().header("If-None-Match", "\"other\"").get(image).then().statusCode(200);
        given().get(image + "/thumbnail").then().statusCode(200).contentType("image/jpeg")
                .header("ETag", "\"" + id + "-t\"");
        given().get("/images/" + "0".repeat(64)).then().statusCode(404).body("error", notNullValue());
        given().get("/images/nope").then().statusCode(404);
    }

    @Test
    void openApiDescribesTheApiOnly() {
        String doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        for (String path : List.of("/api/search", "/api/products/{id}", "/api/products/{id}/similar",
                "/api/search/image", "/images/{id}")) {
            assertTrue(doc.contains("\"" + path + "\""), path);
        }
        assertFalse(doc.contains("\"/products/{id}\""), "the gallery pages are not API");
        // every answer's shape is described (those answered asynchronously too: a result list, not a Uni)
        io.restassured.path.json.JsonPath json = io.restassured.path.json.JsonPath.from(doc);
        Map<String, String> results = Map.of("get /api/search", "ApiResults", "get /api/products/{id}/similar", "ApiResults",
                "get /api/products/{id}", "ApiProduct", "get /api/search/image", "ApiResults",
                "post /api/search/image", "ApiResults");
        results.forEach((operation, schema) -> {
            String[] verbPath = operation.split(" ");
            String ref = json.getString("paths.'" + verbPath[1] + "'." + verbPath[0]
                    + ".responses.'200'.content.'application/json'.schema.$ref");
            assertEquals("#/components/schemas/" + schema, ref, operation);
        });
        // the ranking's parameters and the answer's fields, as the README lists them
        List<String> searchParams = json.getList("paths.'/api/search'.get.parameters.name");
        assertTrue(searchParams.containsAll(List.of("q", "like", "cheaper", "mode", "sort", "floor", "diverse")),
                searchParams.toString());
        List<String> similarParams = json.getList("paths.'/api/products/{id}/similar'.get.parameters.name");
        assertTrue(similarParams.containsAll(List.of("sort", "floor", "diverse")), similarParams.toString());
        Map<String, List<String>> fields = Map.of(
                "ApiResult", List.of("matched", "matched_fields", "matched_words", "offers", "from_price", "saving",
                        "saving_percent", "same_item"),
                "ApiResults", List.of("results", "total", "looser", "facets"),
                "ApiProduct", List.of("offers"),
                "ApiOffer", List.of("shop", "price", "currency", "url", "product"));
        fields.forEach((schema, names) -> {
            Map<String, Object> properties = json.getMap("components.schemas." + schema + ".properties");
            assertTrue(properties != null && properties.keySet().containsAll(names), schema + ": " + properties);
        });
    }

    @Test
    void readinessSaysWhatIsServed() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.message", containsString("colour-clip"));
    }

    @Test
    void anUnpricedProductShowsANullPrice() {
        given().get("/api/products/" + TestShop.id("red-mystery")).then().body("$", hasKey("price"))
                .body("price", nullValue()).body("url", startsWith("https://")).body("name", not(""));
    }
}
