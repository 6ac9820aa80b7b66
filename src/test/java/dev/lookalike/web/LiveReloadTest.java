package dev.lookalike.web;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vectors another process adds to the catalogue are served without a restart. */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class LiveReloadTest {

    @ConfigProperty(name = "lookalike.catalog")
    Path catalogue;

    @Test
    void aProductEmbeddedAfterStartAppears() throws Exception {
        Ready.await();
        String twin = Product.idFor("https://shop.test/p/blue-twin");
        try (CatalogDb db = CatalogDb.open(catalogue)) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            String blue = db.productImages(TestShop.id("blue-bowl")).get(0).imageId();
            float[] v = db.vector(c.id(), blue).orElseThrow();
            byte[] bytes = "another blue photo".getBytes();
            String image = db.putImage(bytes, 1, 1, "png", null, null);
            db.upsertProduct(new Product(twin, "https://shop.test/p/blue-twin", "Blue twin bowl", 999.0, "EUR",
                    "Reload", "Reload shop", null, null));
            db.linkImage(new ProductImage(twin, "https://shop.test/p/blue-twin/1.png", image, null, 0));
            db.saveVectors(c.id(), List.of(new NewVector(image, v, CatalogDb.md5(bytes), null)));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<String> ids = given().queryParam("q", "blue").queryParam("shop", "Reload shop").get("/api/search")
                    .then().statusCode(200).extract().jsonPath().getList("results.id");
            if (ids.contains(twin)) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the new product never appeared");
            Thread.sleep(100);
        }
        // and it is the blue bowl's closest lookalike (the same photo vector), lists or no lists
        List<String> similar = given().get("/api/products/" + TestShop.id("blue-bowl") + "/similar?limit=3")
                .then().statusCode(200).extract().jsonPath().getList("results.id");
        assertEquals(twin, similar.get(0));
        // no style holds it until lookalike cluster runs again, and the API says so
        io.restassured.path.json.JsonPath styles = given().get("/api/clusters").then().statusCode(200).extract()
                .jsonPath();
        assertTrue(styles.getInt("unclustered") >= 1, styles.prettify());
        assertTrue(styles.getString("message").contains("run lookalike cluster again"), styles.prettify());
        String page = given().get("/products/" + twin).then().statusCode(200).extract().asString();
        assertFalse(page.contains("class=\"style-line\""), "a product in no style has no style line");
    }
}
