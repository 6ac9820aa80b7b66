package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Browse by style in a real headless Chromium, on the colour test shop: the home page's strip, a style's
 * page, a product's style line, and the map with the mouse (hover, click, Shift+drag a box) and with the
 * keyboard alone (Tab to the map, arrows, Enter, S). Screenshots under target/screenshots/.
 */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class MapBrowserTest {

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
    void theHomePageStripLeadsToAStyleAndTheProductPageNamesItsStyle() throws Exception {
        WebDriver driver = GalleryBrowserTest.browser(true);
        try {
            driver.get(base.toString());
            List<WebElement> styles = driver.findElements(By.cssSelector(".style-strip .style-link"));
            assertEquals(TestShop.CLUSTERS, styles.size());
            WebElement first = styles.get(0);
            String label = first.findElement(By.cssSelector(".style-name")).getText().strip();
            assertFalse(first.findElements(By.cssSelector(".style-thumbs img")).isEmpty(), "a few photos of the style");
            GalleryBrowserTest.screenshot(driver, "styles-home-strip");
            first.click();
            GalleryBrowserTest.waiting(driver).until(ExpectedConditions.urlContains("cluster="));
            assertEquals("Style: " + label, driver.findElement(By.id("results-heading")).getText());
            List<String> names = GalleryBrowserTest.cardNames(driver);
            assertFalse(names.isEmpty());
            assertTrue(driver.findElements(By.cssSelector(".style-strip")).isEmpty(), "the strip is on the home page only");
            GalleryBrowserTest.screenshot(driver, "styles-one-style");

            driver.get(base + "products/" + TestShop.id("crimson-mug"));
            WebElement line = driver.findElement(By.cssSelector(".style-line a"));
            assertTrue(line.getText().startsWith("red"), line.getText());
            line.click();
            GalleryBrowserTest.waiting(driver).until(ExpectedConditions.urlContains("cluster="));
            assertTrue(GalleryBrowserTest.cardNames(driver).contains("Crimson mug"));

            driver.get(base + "?cluster=987654");
            assertTrue(driver.findElement(By.cssSelector(".error-message")).getText().contains("That style is gone"));
        } finally {
            driver.quit();
        }
    }

    @Test
    void theMapWorksWithTheMouse() throws Exception {
        WebDriver driver = GalleryBrowserTest.browser(true);
        try {
            WebElement canvas = openMap(driver, TestShop.PRODUCTS.length + 1);
            GalleryBrowserTest.screenshot(driver, "styles-map");
            assertEquals(TestShop.CLUSTERS, driver.findElements(By.cssSelector(".map-legend a")).size());

            // hover the crimson mug's dot: the panel names it; a click opens it
            JsonPath map = given().get("/api/map").jsonPath();
            int at = map.getList("ids").indexOf(TestShop.id("crimson-mug"));
            int[] offset = offsetOf(canvas, map.getDouble("x[" + at + "]"), map.getDouble("y[" + at + "]"));
            int[] point = viewportPoint(driver, offset);
            new Actions(driver).moveToLocation(point[0], point[1]).perform();
            WebElement info = driver.findElement(By.cssSelector("[data-map-info]"));
            GalleryBrowserTest.waiting(driver).until(d -> info.getText().contains("Crimson mug"));
            assertTrue(info.getText().contains("style: red"), info.getText());
            new Actions(driver).click().perform();
            GalleryBrowserTest.waiting(driver).until(ExpectedConditions.urlContains("/products/"));
            assertEquals("Crimson mug", driver.findElement(By.cssSelector(".product-info h1")).getText());

            // Shift+drag a box around it: the products in the box, as /?near=x,y,r
            canvas = openMap(driver, TestShop.PRODUCTS.length + 1);
            point = viewportPoint(driver, offset);
            new Actions(driver).moveToLocation(point[0] - 15, point[1] - 15).keyDown(Keys.SHIFT).clickAndHold()
                    .moveByOffset(30, 30).release().keyUp(Keys.SHIFT).perform();
            GalleryBrowserTest.waiting(driver).until(ExpectedConditions.urlContains("near="));
            assertTrue(GalleryBrowserTest.cardNames(driver).contains("Crimson mug"), GalleryBrowserTest.cardNames(driver).toString());
            assertEquals("Near each other on the map", driver.findElement(By.id("results-heading")).getText());
        } finally {
            driver.quit();
        }
    }

    @Test
    void theMapWorksWithTheKeyboardAlone() throws Exception {
        WebDriver driver = GalleryBrowserTest.browser(true);
        try {
            WebElement canvas = openMap(driver, TestShop.PRODUCTS.length + 1);
            // Tab from the last toolbar button reaches the map
            WebElement select = driver.findElement(By.cssSelector("[data-map-select]"));
            select.sendKeys(Keys.TAB);
            assertEquals(canvas, driver.switchTo().activeElement(), "Tab reaches the map");
            // walk the cursor right until it lands on a product
            String focused = "";
            for (int i = 0; i < 40 && focused.isEmpty(); i++) {
                canvas.sendKeys(i < 20 ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT);
                focused = canvas.getAttribute("data-focused");
                focused = focused == null ? "" : focused;
            }
            if (focused.isEmpty()) {
                canvas.sendKeys("0"); // back to the whole map, the cursor at its centre
                focused = String.valueOf(canvas.getAttribute("data-focused"));
            }
            assertFalse(focused.isEmpty() || focused.equals("null"), "the cursor found a product");
            WebElement info = driver.findElement(By.cssSelector("[data-map-info]"));
            String name = info.findElement(By.cssSelector("[data-map-product]")).getAttribute("data-map-product");
            assertEquals(focused, name, "the panel shows the focused product");
            canvas.sendKeys("+");
            canvas.sendKeys("-");
            GalleryBrowserTest.screenshot(driver, "styles-map-keyboard");
            canvas.sendKeys(Keys.ENTER);
            GalleryBrowserTest.waiting(driver).until(ExpectedConditions.urlContains("/products/" + focused));

            canvas = openMap(driver, TestShop.PRODUCTS.length + 1);
            canvas.click(); // focus; the click on empty map opens nothing
            canvas.sendKeys("s");
            GalleryBrowserTest.waiting(driver).until(ExpectedConditions.urlContains("near="));
            assertFalse(driver.findElement(By.id("results-heading")).getText().isEmpty());
        } finally {
            driver.quit();
        }
    }

    /** Opens /map and waits until it has drawn {@code count} products. */
    WebElement openMap(WebDriver driver, int count) {
        driver.get(base + "map");
        WebElement root = driver.findElement(By.cssSelector("[data-style-map]"));
        GalleryBrowserTest.waiting(driver).until(d -> "true".equals(root.getAttribute("data-ready")));
        assertEquals(String.valueOf(count), root.getAttribute("data-count"));
        return driver.findElement(By.cssSelector("[data-map-canvas]"));
    }

    /**
     * Where in the viewport a point {@code offset} from the canvas's centre is, after scrolling the canvas into
     * view (Actions' element offsets count from the centre of the element's visible part, not of the element).
     */
    static int[] viewportPoint(WebDriver driver, int[] offset) {
        Object v = ((JavascriptExecutor) driver).executeScript("var c = document.querySelector('[data-map-canvas]');"
                + "c.scrollIntoView({block: 'center'}); var r = c.getBoundingClientRect();"
                + "return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];");
        List<?> xy = (List<?>) v;
        return new int[] {((Number) xy.get(0)).intValue() + offset[0], ((Number) xy.get(1)).intValue() + offset[1]};
    }

    /** The offset from the canvas's centre of a map point, in the whole-map view map.js starts with. */
    static int[] offsetOf(WebElement canvas, double x, double y) {
        int w = canvas.getSize().getWidth();
        int h = canvas.getSize().getHeight();
        double scale = Math.min(w, h) / 2.2;
        return new int[] {(int) Math.round(x * scale), (int) Math.round(-y * scale)};
    }

    static double renderMs(WebDriver driver) {
        Object v = ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('[data-style-map]').getAttribute('data-render-ms')");
        return Double.parseDouble(String.valueOf(v));
    }

    static boolean hasScreenshotFolder() {
        return Files.isDirectory(GalleryBrowserTest.SCREENSHOTS);
    }
}
