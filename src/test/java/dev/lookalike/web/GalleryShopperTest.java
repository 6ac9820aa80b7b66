package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.lookalike.web.GalleryBrowserTest.cardNames;
import static dev.lookalike.web.GalleryBrowserTest.screenshot;
import static dev.lookalike.web.GalleryBrowserTest.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The gallery as a shopper finds it, in a real headless Chromium at a laptop's 1366×900 and a phone's
 * 390×844: a photo search that filters keep, keyboard use of the price and the menus, crops, pasted and
 * dropped photos, product photos, error pages, "more results", the folded filters on a phone, and an
 * axe-core accessibility check of every kind of page. Screenshots go to target/screenshots/.
 */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class GalleryShopperTest {

    static final Dimension DESKTOP = new Dimension(1366, 900);
    static final Dimension PHONE = new Dimension(390, 844);
    /** Fetched by tools/fetch-axe.sh (npm's axe-core); never committed. */
    static final Path AXE = Path.of(System.getProperty("build.dir", "target"), "axe", "package", "axe.min.js");
    static final List<String> GOLDS = List.of("Gold tap", "Brass tap", "Gold and purple vase");
    static final List<String> BLUES = List.of("Blue bowl", "Navy teapot", "Sky cushion");

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

    static WebDriver browser(Dimension size, boolean javascript) throws IOException {
        WebDriver driver = GalleryBrowserTest.browser(javascript);
        driver.manage().window().setSize(size);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return driver;
    }

    static Object js(WebDriver driver, String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Marks the current document; {@link #stayed} is true until the browser loads another one. */
    static void mark(WebDriver driver) {
        js(driver, "window.__stayed = true;");
    }

    static boolean stayed(WebDriver driver) {
        return Boolean.TRUE.equals(js(driver, "return window.__stayed === true;"));
    }

    static String focusedId(WebDriver driver) {
        return String.valueOf(js(driver, "return document.activeElement && document.activeElement.id;"));
    }

    Path goldAndBlueFile() throws IOException {
        Path photo = Files.createTempFile("gold-blue", ".png");
        Files.write(photo, GalleryTest.goldAndBlue());
        return photo;
    }

    void uploadGoldAndBlue(WebDriver driver) throws IOException {
        driver.get(base.toString());
        if (!driver.findElement(By.id("image")).isDisplayed()) {
            driver.findElement(By.cssSelector(".photo-search summary")).click();
        }
        driver.findElement(By.id("image")).sendKeys(goldAndBlueFile().toString());
        waiting(driver).until(ExpectedConditions.urlContains("photo="));
    }

    @Test
    void aPhotoSearchKeepsItsPhotoThroughFiltersAndSorting() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            uploadGoldAndBlue(driver);
            String key = driver.getCurrentUrl().replaceAll(".*photo=([0-9a-f]+).*", "$1");
            WebElement shown = driver.findElement(By.cssSelector(".search-photo img"));
            assertTrue(((Number) js(driver, "return arguments[0].naturalWidth;", shown)).intValue() > 0,
                    "the shopper's photo is shown above its results");
            new Select(driver.findElement(By.id("shop"))).selectByValue(TestShop.KITCHEN);
            waiting(driver).until(ExpectedConditions.urlContains("shop="));
            assertTrue(driver.getCurrentUrl().contains("photo=" + key), driver.getCurrentUrl());
            assertEquals("Looks like your photo", driver.findElement(By.id("results-heading")).getText());
            new Select(driver.findElement(By.id("sort"))).selectByValue("price");
            waiting(driver).until(ExpectedConditions.urlContains("sort=price"));
            assertTrue(driver.getCurrentUrl().contains("photo=" + key) && driver.getCurrentUrl().contains("shop="),
                    driver.getCurrentUrl());
            assertFalse(driver.getCurrentUrl().matches(".*=(&|$).*"), "no empty parameters: " + driver.getCurrentUrl());
            screenshot(driver, "shopper-photo-then-filter");
        } finally {
            driver.quit();
        }
    }

    @Test
    void keysOnThePriceAndTheMenusNavigateOncePerCommittedChoice() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            driver.get(base + "?q=red");
            mark(driver);
            WebElement slider = driver.findElement(By.id("max_price_slider"));
            slider.sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT, Keys.ARROW_LEFT);
            assertTrue(stayed(driver), "a key step on the slider does not reload the page");
            String typed = driver.findElement(By.id("max_price")).getDomProperty("value");
            assertFalse(typed.isEmpty(), "the slider sets the price field");
            slider.sendKeys(Keys.ENTER);
            waiting(driver).until(ExpectedConditions.urlContains("max_price=" + typed));
            waiting(driver).until(d -> "max_price_slider".equals(focusedId(d))); // focus stays where it was after the update
            screenshot(driver, "shopper-keyboard-slider");

            mark(driver);
            WebElement shop = driver.findElement(By.id("shop"));
            shop.sendKeys(Keys.ARROW_DOWN);
            assertTrue(stayed(driver), "a key step in the Shop menu does not reload the page");
            String chosen = new Select(driver.findElement(By.id("shop"))).getFirstSelectedOption().getDomProperty("value");
            assertFalse(chosen.isEmpty());
            driver.findElement(By.id("shop")).sendKeys(Keys.ENTER);
            waiting(driver).until(ExpectedConditions.urlContains("shop="));
            waiting(driver).until(d -> "shop".equals(focusedId(d))); // focus stays where it was after the update
            assertTrue(driver.getCurrentUrl().contains("max_price=" + typed), driver.getCurrentUrl());

            // a price typed into the field is one choice, applied when the shopper presses Enter
            mark(driver);
            WebElement min = driver.findElement(By.id("min_price"));
            min.sendKeys("5");
            assertTrue(stayed(driver));
            min.sendKeys(Keys.ENTER);
            waiting(driver).until(ExpectedConditions.urlContains("min_price=5"));
            waiting(driver).until(d -> "min_price".equals(focusedId(d))); // focus stays where it was after the update

            // min above max is stopped in the form
            mark(driver);
            WebElement min2 = driver.findElement(By.id("min_price"));
            min2.sendKeys(Keys.chord(Keys.CONTROL, "a"), "999", Keys.ENTER);
            assertTrue(stayed(driver), "min above max is not sent");
            WebElement error = driver.findElement(By.cssSelector("[data-price-error]"));
            assertTrue(error.isDisplayed() && error.getText().contains("Min price must not be above max price"),
                    error.getText());
        } finally {
            driver.quit();
        }
    }

    @Test
    void aDraggedCropAndTheRegionButtonsSearchByPartOfThePhoto() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            uploadGoldAndBlue(driver);
            WebElement img = driver.findElement(By.cssSelector(".crop-frame img"));
            int w = img.getSize().getWidth();
            int h = img.getSize().getHeight();
            // from near the top-left corner to just left of the middle: the gold half
            new Actions(driver).moveToElement(img, -w / 2 + 2, -h / 2 + 2).clickAndHold()
                    .moveByOffset(w / 2 - 6, h - 6).release().perform();
            waiting(driver).until(ExpectedConditions.urlContains("crop="));
            String crop = driver.getCurrentUrl().replaceAll(".*crop=([0-9%C,]+).*", "$1").replace("%2C", ",");
            String[] c = crop.split(",");
            assertTrue(Integer.parseInt(c[0]) < 10 && Integer.parseInt(c[2]) <= 120 && Integer.parseInt(c[2]) > 90,
                    "the crop is in the photo's own pixels (240×100): " + crop);
            assertTrue(GOLDS.contains(cardNames(driver).get(0)), cardNames(driver).toString());
            assertTrue(driver.findElement(By.cssSelector(".crop-label")).getText().contains("part of your photo"));
            screenshot(driver, "shopper-crop-dragged");

            driver.findElement(By.linkText("Right half")).click();
            waiting(driver).until(ExpectedConditions.urlContains("crop=120"));
            assertTrue(BLUES.contains(cardNames(driver).get(0)), cardNames(driver).toString());
            screenshot(driver, "shopper-crop-right-half");
        } finally {
            driver.quit();
        }
    }

    /** Makes a photo in the page (a canvas, one colour) as a File, as the clipboard or a drag would hand it over. */
    static final String MAKE_FILE = "var done = arguments[arguments.length - 1]; var colour = arguments[0];"
            + "var c = document.createElement('canvas'); c.width = 120; c.height = 100;"
            + "var g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 120, 100);"
            + "g.fillStyle = colour; g.fillRect(8, 8, 104, 84);"
            + "c.toBlob(function (b) { window.__file = new File([b], 'pasted.png', { type: 'image/png' }); done(b.size); },"
            + " 'image/png');";

    @Test
    void pastedAndDroppedPhotosAreSearchedAndOversizeOnesRefusedFirst() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            driver.get(base.toString());
            ((JavascriptExecutor) driver).executeAsyncScript(MAKE_FILE, "rgb(255,200,40)");
            js(driver, "var dt = new DataTransfer(); dt.items.add(window.__file);"
                    + "var e = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });"
                    + "document.body.dispatchEvent(e);");
            waiting(driver).until(ExpectedConditions.urlContains("photo="));
            assertTrue(GOLDS.contains(cardNames(driver).get(0)), "pasted gold: " + cardNames(driver));

            ((JavascriptExecutor) driver).executeAsyncScript(MAKE_FILE, "rgb(30,50,200)");
            String before = driver.getCurrentUrl();
            js(driver, "var dt = new DataTransfer(); dt.items.add(window.__file);"
                    + "var e = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });"
                    + "document.querySelector('main').dispatchEvent(e);");
            waiting(driver).until(d -> !d.getCurrentUrl().equals(before) && d.getCurrentUrl().contains("photo="));
            assertTrue(BLUES.contains(cardNames(driver).get(0)), "dropped blue: " + cardNames(driver));

            // the tests' limit is 256 KiB: a larger file never leaves the browser
            WebElement hint = driver.findElement(By.id("photo-hint"));
            assertTrue(hint.getAttribute("textContent").contains("JPEG, PNG, WebP, GIF or BMP, up to 256 KiB"),
                    hint.getAttribute("textContent"));
            mark(driver);
            js(driver, "var f = new File([new Uint8Array(300 * 1024)], 'huge.png', { type: 'image/png' });"
                    + "var dt = new DataTransfer(); dt.items.add(f);"
                    + "document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));");
            WebElement error = driver.findElement(By.cssSelector("[data-photo-error]"));
            waiting(driver).until(d -> error.isDisplayed());
            assertTrue(error.getText().contains("the largest accepted is 256 KiB"), error.getText());
            Thread.sleep(300); // a navigation, had one started, would have replaced the document by now
            assertTrue(stayed(driver), "an oversize photo is not uploaded");
            screenshot(driver, "shopper-oversize-refused");
        } finally {
            driver.quit();
        }
    }

    @Test
    void aSmallProductPhotoBecomesTheMainOneInPlace() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            driver.get(base + "products/" + TestShop.id("red-kettle"));
            WebElement main = driver.findElement(By.cssSelector("[data-main-photo]"));
            String first = main.getDomProperty("currentSrc");
            assertTrue(first.contains("/thumbnail?w="), "a rendition that fits the box: " + first);
            mark(driver);
            List<WebElement> thumbs = driver.findElements(By.cssSelector(".product-thumbs a"));
            assertEquals(2, thumbs.size());
            thumbs.get(1).click();
            waiting(driver).until(d -> !d.findElement(By.cssSelector("[data-main-photo]")).getDomProperty("currentSrc")
                    .equals(first));
            assertTrue(stayed(driver), "the page stays; only the photo changes");
            assertTrue(driver.getCurrentUrl().endsWith("?photo=2"), driver.getCurrentUrl());
            assertEquals("true", thumbs.get(1).getDomAttribute("aria-current"));
            screenshot(driver, "shopper-product-photo-swap");
        } finally {
            driver.quit();
        }
    }

    @Test
    void errorPagesKeepTheSearchAndSpeakPlainly() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            driver.get(base + "?q=red&max_price=-1");
            assertEquals("red", driver.findElement(By.id("q")).getDomProperty("value"));
            assertTrue(driver.findElement(By.cssSelector(".error-page")).getText()
                    .contains("Max price must be a number of 0 or more"));
            screenshot(driver, "shopper-error-400");
            driver.get(base + "no/such/page?q=blue");
            assertEquals("blue", driver.findElement(By.id("header-q")).getDomProperty("value"));
            assertEquals("Not found", driver.findElement(By.id("error-heading")).getText());
            screenshot(driver, "shopper-error-404");
            // typed past the box's limit (a pasted essay): the box stops at 500 characters
            driver.get(base.toString());
            WebElement q = driver.findElement(By.id("q"));
            js(driver, "arguments[0].value = ''", q);
            q.sendKeys("a".repeat(600));
            assertEquals(500, driver.findElement(By.id("q")).getDomProperty("value").length());
            // an address made by hand with 5,000 characters gets the gallery's own page, not an empty 414
            driver.get(base + "?q=" + "a".repeat(5000));
            assertTrue(driver.findElement(By.cssSelector(".error-page")).getText().contains("500"),
                    driver.getPageSource().substring(0, 500));
            screenshot(driver, "shopper-error-long-query");
        } finally {
            driver.quit();
        }
    }

    @Test
    void moreResultsUpdatesTheAddressAndBackRestoresIt() throws Exception {
        WebDriver driver = browser(DESKTOP, true);
        try {
            driver.get(base + "?q=red&floor=off");
            int before = driver.findElements(By.cssSelector(".card")).size();
            driver.findElement(By.cssSelector("a[data-more]")).click();
            waiting(driver).until(ExpectedConditions.urlContains("offset=6"));
            waiting(driver).until(d -> d.findElements(By.cssSelector(".card")).size() > before);
            driver.findElements(By.cssSelector(".card .card-name a")).get(before).click();
            waiting(driver).until(ExpectedConditions.urlContains("/products/"));
            driver.navigate().back();
            waiting(driver).until(ExpectedConditions.urlContains("offset=6"));
            assertFalse(cardNames(driver).isEmpty());
            screenshot(driver, "shopper-load-more-back");
        } finally {
            driver.quit();
        }
    }

    @Test
    void onAPhoneFiltersFoldAndEveryTargetIsLargeEnough() throws Exception {
        WebDriver driver = browser(PHONE, true);
        try {
            driver.get(base + "?q=red");
            assertFalse(driver.findElement(By.id("shop")).isDisplayed(), "filters start folded on a phone");
            long firstCard = ((Number) js(driver, "return document.querySelector('.card').getBoundingClientRect().top;"))
                    .longValue();
            assertTrue(firstCard < 844, "results start within the first screen: " + firstCard);
            screenshot(driver, "phone-results");
            List<String> small = smallTargets(driver);
            assertTrue(small.isEmpty(), "tap targets under 44×44: " + small);
            driver.findElement(By.cssSelector(".filters-toggle")).click();
            assertTrue(driver.findElement(By.id("shop")).isDisplayed());
            assertTrue(smallTargets(driver).isEmpty(), "tap targets under 44×44: " + smallTargets(driver));
            screenshot(driver, "phone-filters-open");
            String placeholder = driver.findElement(By.id("q")).getDomAttribute("placeholder");
            assertTrue(placeholder.contains("home") && !placeholder.contains("faucet"), placeholder);

            driver.get(base + "products/" + TestShop.id("red-kettle"));
            long shopButton = ((Number) js(driver,
                    "return document.querySelector('[data-view-in-shop]').getBoundingClientRect().bottom;")).longValue();
            assertTrue(shopButton <= 844, "View in shop within the first screen: " + shopButton);
            assertTrue(smallTargets(driver).isEmpty(), "tap targets under 44×44: " + smallTargets(driver));
            screenshot(driver, "phone-product");
        } finally {
            driver.quit();
        }
    }

    /** Buttons, chips, menus, fields and card actions shown on the page that are smaller than 44×44 CSS pixels. */
    @SuppressWarnings("unchecked")
    static List<String> smallTargets(WebDriver driver) {
        return (List<String>) js(driver, "var out = [];"
                + "document.querySelectorAll('main .button, main .chip, main summary, main select, main input, "
                + "main .card-actions a, header .button, header input, .crumbs a, .product-thumbs a').forEach(function (el) {"
                + "  var r = el.getBoundingClientRect(); if (r.width === 0 || r.height === 0) { return; }"
                + "  if (el.type === 'hidden' || el.type === 'checkbox') { return; }"
                + "  if (r.width < 44 || r.height < 44) { out.push((el.id || el.className || el.tagName) + ' '"
                + "    + Math.round(r.width) + '×' + Math.round(r.height)); } });"
                + "return out;");
    }

    @Test
    void withoutJavaScriptThePriceIsAFieldAndTheAddressStaysClean() throws Exception {
        WebDriver driver = browser(PHONE, false);
        try {
            driver.get(base + "?q=red");
            assertTrue(driver.findElements(By.id("max_price_slider")).isEmpty());
            assertFalse(driver.findElement(By.id("max_price")).isDisplayed(), "folded on a phone");
            driver.findElement(By.cssSelector(".filters-toggle")).click();
            WebElement max = driver.findElement(By.id("max_price"));
            assertEquals("Max price", driver.findElement(By.cssSelector("label[for=max_price]")).getText());
            max.sendKeys("50");
            driver.findElement(By.cssSelector("[data-apply]")).click();
            waiting(driver).until(ExpectedConditions.urlContains("max_price=50"));
            assertFalse(driver.getCurrentUrl().matches(".*=(&|$).*"), "no empty parameters: " + driver.getCurrentUrl());
            screenshot(driver, "no-javascript-price");
        } finally {
            driver.quit();
        }
    }

    @Test
    void noSeriousAccessibilityViolationsOnAnyKindOfPage() throws Exception {
        assumeTrue(Files.isReadable(AXE), "accessibility check skipped: axe-core is not at " + AXE.toAbsolutePath()
                + " (run tools/fetch-axe.sh, which takes it from npm)");
        String axe = Files.readString(AXE);
        List<String> found = new ArrayList<>();
        for (Dimension size : List.of(DESKTOP, PHONE)) {
            WebDriver driver = browser(size, true);
            try {
                String photo = null;
                for (String page : List.of("", "?q=red", "products/" + TestShop.id("red-kettle"),
                        "?q=red&max_price=-1", "no/such/page", "photo")) {
                    if (page.equals("photo")) {
                        uploadGoldAndBlue(driver);
                        photo = driver.getCurrentUrl();
                    } else {
                        driver.get(base + page);
                    }
                    found.addAll(violations(driver, axe, size.width + "px " + (photo != null ? photo : "/" + page)));
                }
            } finally {
                driver.quit();
            }
        }
        assertTrue(found.isEmpty(), "serious or critical accessibility violations:\n" + String.join("\n", found));
    }

    @SuppressWarnings("unchecked")
    static List<String> violations(WebDriver driver, String axe, String where) {
        js(driver, axe);
        List<String> v = (List<String>) ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "axe.run(document, { resultTypes: ['violations'] }).then(function (r) {"
                        + "  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                        + "    .map(function (v) { return v.impact + ' ' + v.id + ': ' + v.help + ' at '"
                        + "      + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); }));"
                        + "}).catch(function (e) { done(['axe failed: ' + e]); });");
        return v.stream().map(s -> where + ": " + s).toList();
    }
}
