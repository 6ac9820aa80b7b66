package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The map of {@value BigMapResource#PRODUCTS} products in real Chromium: it draws them all, and the page's own
 * timing (from map.js starting to the first frame drawn, the /api/map download and parse included) is
 * printed, not asserted: the machine is shared.
 */
@QuarkusTest
@WithTestResource(BigMapResource.class)
class MapScaleBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void needsChromium() throws IOException {
        GalleryBrowserTest.needsChromium();
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void drawsTwentyThousandProducts() throws Exception {
        byte[] json = given().get("/api/map").asByteArray();
        System.out.printf("/api/map for %,d products: %,d bytes of JSON%n", BigMapResource.PRODUCTS, json.length);
        WebDriver driver = GalleryBrowserTest.browser(true);
        try {
            for (int run = 1; run <= 3; run++) {
                driver.get(base + "map");
                WebElement root = driver.findElement(By.cssSelector("[data-style-map]"));
                GalleryBrowserTest.waiting(driver).until(d -> "true".equals(root.getAttribute("data-ready")));
                assertEquals(String.valueOf(BigMapResource.PRODUCTS), root.getAttribute("data-count"));
                System.out.printf("map of %,d products drawn in %s ms (load %d: fetch, parse and first frame; "
                        + "2-vCPU shared machine, not asserted)%n", BigMapResource.PRODUCTS,
                        root.getAttribute("data-render-ms"), run);
            }
            assertEquals(16, driver.findElements(By.cssSelector(".map-legend a")).size());
            GalleryBrowserTest.screenshot(driver, "styles-map-20000");
        } finally {
            driver.quit();
        }
    }
}
