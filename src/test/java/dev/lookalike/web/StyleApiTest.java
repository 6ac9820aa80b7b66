package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The style endpoints over HTTP, on the colour test shop clustered into {@value TestShop#CLUSTERS} styles. */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class StyleApiTest {

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void clustersListEveryStyleWithItsLabelSizePlaceAndPhotos() {
        JsonPath json = ApiTest.ok(given().get("/api/clusters"));
        System.out.println("test shop styles: " + json.getList("clusters.label") + " sizes " + json.getList("clusters.size"));
        assertEquals("colour-clip", json.getString("collection"));
        assertEquals(TestShop.CLUSTERS, json.getInt("k"));
        List<Map<String, Object>> clusters = json.getList("clusters");
        assertEquals(TestShop.CLUSTERS, clusters.size());
        assertEquals(List.of("id", "label", "size", "x", "y", "images", "url"), List.copyOf(clusters.get(0).keySet()));
        int total = 0;
        int previous = Integer.MAX_VALUE;
        for (Map<String, Object> c : clusters) {
            int size = (Integer) c.get("size");
            assertTrue(size <= previous, "largest first");
            previous = size;
            total += size;
            assertTrue(((String) c.get("label")).matches("\\p{L}+( · \\p{L}+){1,2}"), c.toString());
            assertEquals("/?cluster=" + c.get("id"), c.get("url"));
            List<String> images = (List<String>) c.get("images");
            assertFalse(images.isEmpty());
            assertTrue(images.size() <= 4 && images.get(0).matches("/images/[0-9a-f]{64}"), images.toString());
        }
        // every product with an embedded photo is in one style (the one whose photo never arrived is not)
        assertEquals(TestShop.PRODUCTS.length + 1, total);
        // products embedded after the run (LiveReloadTest adds one to this shared shop) are counted, not placed
        int unclustered = json.getInt("unclustered");
        assertTrue(unclustered >= 0);
        // the test shop's styles come from one full run: none placed incrementally (embed's update, ClusterIT)
        assertEquals(0, json.getInt("incremental"), json.prettify());
        if (unclustered == 0) {
            assertNull(json.get("message"));
        } else {
            assertTrue(json.getString("message").contains(unclustered + " products were embedded after"), json.prettify());
        }
    }

    @Test
    void theRedMugsStyleIsNamedRedAndListsItsProductsMostTypicalFirst() {
        JsonPath map = ApiTest.ok(given().get("/api/map"));
        long cluster = map.getLong("cluster[" + map.getList("ids").indexOf(TestShop.id("crimson-mug")) + "]");
        // the red kettle's vector is the mean of its red and its white photo: a pale product, not a red one
        long kettle = map.getLong("cluster[" + map.getList("ids").indexOf(TestShop.id("red-kettle")) + "]");
        assertTrue(kettle != cluster, "the red kettle with its white photo sits with the pale products");
        JsonPath page = ApiTest.ok(given().queryParam("limit", 3).get("/api/clusters/" + cluster));
        assertTrue(page.getString("cluster.label").startsWith("red"), page.getString("cluster.label"));
        List<String> names = page.getList("results.name");
        assertEquals(3, names.size());
        assertTrue(ApiTest.REDS.containsAll(names), names.toString());
        List<Float> scores = page.getList("results.score", Float.class);
        assertTrue(scores.get(0) >= scores.get(1) && scores.get(1) >= scores.get(2), scores.toString());
        String next = page.getString("next");
        assertEquals("/api/clusters/" + cluster + "?limit=3&offset=3", next);
        JsonPath second = ApiTest.ok(given().urlEncodingEnabled(false).get(next));
        Set<String> seen = new HashSet<>(page.getList("results.id"));
        for (String id : second.<String>getList("results.id")) {
            assertTrue(seen.add(id), "pages do not overlap");
        }
        assertEquals(3, second.getInt("offset"));
    }

    @Test
    void theMapHoldsParallelArraysWithinTheUnitSquare() {
        JsonPath map = ApiTest.ok(given().get("/api/map"));
        int n = map.getInt("count");
        assertEquals(TestShop.PRODUCTS.length + 1, n);
        assertEquals(n, map.getList("ids").size());
        assertEquals(n, map.getList("x").size());
        assertEquals(n, map.getList("y").size());
        assertEquals(n, map.getList("cluster").size());
        double far = 0;
        for (int i = 0; i < n; i++) {
            double x = map.getDouble("x[" + i + "]");
            double y = map.getDouble("y[" + i + "]");
            assertTrue(Math.abs(x) <= 1 && Math.abs(y) <= 1, x + "," + y);
            far = Math.max(far, Math.max(Math.abs(x), Math.abs(y)));
        }
        assertEquals(1.0, far, 1e-3, "the farthest product sits on the edge");
        assertEquals(TestShop.CLUSTERS, map.getList("clusters").size());
        Set<Long> ids = new HashSet<>(map.getList("clusters.id", Long.class));
        assertTrue(ids.containsAll(map.getList("cluster", Long.class)));
    }

    @Test
    void anUnknownStyleIs404AndABadLimit400() {
        given().get("/api/clusters/999999").then().statusCode(404);
        given().get("/api/clusters/red").then().statusCode(404);
        given().queryParam("limit", 0).get("/api/clusters/1").then().statusCode(400);
    }

    @Test
    void theGalleryPagesOfAPlaceOnTheMapAndOfAStyle() {
        // the whole map: every clustered product, nearest the centre first
        String all = given().queryParam("near", "0,0,5").get("/").then().statusCode(200).extract().asString();
        assertTrue(all.contains("Near each other on the map"), all);
        assertTrue(all.contains("of <span data-total>" + (TestShop.PRODUCTS.length + 1) + "</span>"), all);
        // a style's page keeps its style on the next page's link, and the shop filter applies
        JsonPath styles = ApiTest.ok(given().get("/api/clusters"));
        long id = styles.getLong("clusters[0].id");
        int size = styles.getInt("clusters[0].size");
        String page = given().queryParam("cluster", id).get("/").then().statusCode(200).extract().asString();
        assertTrue(page.contains("Style: " + styles.getString("clusters[0].label")), page);
        assertTrue(page.contains("of <span data-total>" + size + "</span>"), page);
        assertTrue(page.contains("cluster=" + id + "&amp;offset=6") == (size > 6), "the next page keeps the style");
        assertTrue(page.contains("<input type=\"hidden\" name=\"cluster\" value=\"" + id + "\">"),
                "the filter form keeps the style");
        String kitchen = given().queryParam("cluster", id).queryParam("shop", TestShop.KITCHEN).get("/").then()
                .statusCode(200).extract().asString();
        assertFalse(shows(kitchen, "Home &amp; Garden &lt;Outlet&gt;"), "only the kitchen shop's products");
        assertTrue(shows(kitchen, TestShop.KITCHEN) || kitchen.contains("Nothing matches"), kitchen);
        // bad input is a clear 400, an unknown style a 404
        String bad = given().queryParam("near", "left,up").get("/").then().statusCode(400).extract().asString();
        assertTrue(bad.contains("Near must be x,y,r"), bad); // in the error page's shopper words
        given().queryParam("near", "0,0,-1").get("/").then().statusCode(400);
        given().queryParam("cluster", "424242").get("/").then().statusCode(404);
    }

    @Test
    void aSearchWithinAStyleShowsOnlyThatStylesProducts() {
        JsonPath map = ApiTest.ok(given().get("/api/map"));
        long cluster = map.getLong("cluster[" + map.getList("ids").indexOf(TestShop.id("crimson-mug")) + "]");
        JsonPath members = ApiTest.ok(given().queryParam("limit", 100).get("/api/clusters/" + cluster));
        Set<String> names = new HashSet<>(members.getList("results.name"));
        String everywhere = given().queryParam("q", "kettle").get("/").then().statusCode(200).extract().asString();
        assertFalse(names.containsAll(cardNames(everywhere)), "the whole catalogue's kettles are not all of the red style (the red kettle's white photo makes it pale)");
        String within = given().queryParam("q", "kettle").queryParam("cluster", cluster).get("/").then().statusCode(200)
                .extract().asString();
        List<String> shown = cardNames(within);
        assertFalse(shown.isEmpty(), within);
        assertTrue(names.containsAll(shown), shown + " are not all in the style " + names);
        assertTrue(within.contains("<input type=\"hidden\" name=\"cluster\" value=\"" + cluster + "\">"),
                "the search form keeps the style");
    }

    /** The product names of a gallery page's cards, unescaped. */
    private static List<String> cardNames(String html) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<h2 class=\"card-name\"><a href=\"[^\"]*\">([^<]*)</a>")
                .matcher(html);
        while (m.find()) {
            out.add(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&amp;", "&"));
        }
        return out;
    }

    @Test
    void theStyleEndpointsAreInTheOpenApiDocument() {
        String doc = given().get("/q/openapi").asString();
        assertTrue(doc.contains("/api/clusters/{id}") && doc.contains("/api/map") && doc.contains("/api/clusters:"),
                "OpenAPI lists the style endpoints");
    }

    /** Whether a card on the page names this shop (after its brand, when it has one). */
    private static boolean shows(String html, String shop) {
        return java.util.regex.Pattern.compile("<p class=\"card-shop\">(<span class=\"card-brand\">[^<]*</span> · )?"
                + java.util.regex.Pattern.quote(shop) + "</p>").matcher(html).find();
    }
}
