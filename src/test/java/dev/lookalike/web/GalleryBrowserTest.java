package dev.lookalike.web;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The gallery in a real headless Chromium (Debian's chromium and chromium-driver): a shopper types a
 * query, opens "more like this", narrows to cheaper lookalikes, searches by an uploaded photo, and does
 * the same with JavaScript switched off. Screenshots are kept under target/screenshots/.
 */
@QuarkusTest
@WithTestResource(TestShopResource.class)
class GalleryBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of(System.getProperty("build.dir", "target"), "screenshots");

    @TestHTTPResource("/")
    URL base;

    static Path profiles;

    @BeforeAll
    static void needsChromium() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser tests skipped: install Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                        + CHROMEDRIVER + ")");
        profiles = Files.createTempDirectory("lookalike-chromium");
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void cleanUp() {
        // chromium removes nothing itself; its profiles are small and live under the temp folder
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    static WebDriver browser(boolean javascript) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory(profiles, "profile"));
        if (!javascript) {
            options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static void screenshot(WebDriver driver, String name) throws IOException {
        // the whole page, not only the window: size the window to the document first
        Object height = ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight");
        Dimension size = driver.manage().window().getSize();
        driver.manage().window().setSize(new Dimension(size.width, Math.min(4000, ((Number) height).intValue() + 140)));
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(size);
    }

    static List<String> cardNames(WebDriver driver) {
        return driver.findElements(By.cssSelector(".card .card-name a")).stream().map(WebElement::getText).toList();
    }

    static WebDriverWait waiting(WebDriver driver) {
        return new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    @Test
    void searchMoreLikeThisCheaperAndPhoto() throws Exception {
        WebDriver driver = browser(true);
        try {
            driver.get(base.toString());
            assertFalse(cardNames(driver).isEmpty(), "the home page shows products");
            screenshot(driver, "gallery-home");

            WebElement q = driver.findElement(By.id("q"));
            q.sendKeys("red");
            q.sendKeys(Keys.ENTER);
            waiting(driver).until(ExpectedConditions.urlContains("q=red"));
            List<String> red = cardNames(driver);
            assertTrue(ApiTest.REDS.contains(red.get(0)), red.toString());
            assertFalse(driver.getCurrentUrl().contains("shop="), "empty filters stay out of the URL: "
                    + driver.getCurrentUrl());
            // the shop's HTML in a product name is text on the page, never markup
            assertTrue(red.contains(TestShop.EVIL_NAME), red.toString());
            assertEquals(0, driver.findElements(By.cssSelector(".card-name b")).size());
            screenshot(driver, "gallery-search-red");

            WebElement lamp = driver.findElements(By.cssSelector(".card")).stream()
                    .filter(c -> c.getText().contains("Scarlet lamp")).findFirst().orElseThrow();
            lamp.findElement(By.cssSelector(".more-like")).click();
            waiting(driver).until(ExpectedConditions.urlContains("like="));
            assertTrue(driver.findElement(By.id("results-heading")).getText().startsWith("Looks like"));
            assertTrue(driver.findElement(By.id("results-heading")).getText().contains("Scarlet lamp"));
            assertFalse(cardNames(driver).contains("Scarlet lamp"), "never the product itself");

            driver.findElement(By.cssSelector("label[for=cheaper]")).click();
            waiting(driver).until(ExpectedConditions.urlContains("cheaper=true"));
            assertTrue(driver.findElement(By.id("cheaper")).isSelected());
            List<WebElement> savings = driver.findElements(By.cssSelector(".card .saving"));
            assertFalse(savings.isEmpty(), "cheaper lookalikes show their saving");
            assertEquals(driver.findElements(By.cssSelector(".card")).size(), savings.size());
            screenshot(driver, "gallery-cheaper");

            Path photo = Files.createTempFile("red-photo", ".png");
            Files.write(photo, TestShop.photo(new Color(225, 25, 30), null, new Random(3)));
            driver.findElement(By.cssSelector(".photo-search summary")).click();
            driver.findElement(By.id("image")).sendKeys(photo.toString());
            waiting(driver).until(ExpectedConditions.urlContains("photo="));
            assertTrue(ApiTest.REDS.contains(cardNames(driver).get(0)), cardNames(driver).toString());
            assertEquals("Looks like your photo", driver.findElement(By.id("results-heading")).getText());
            screenshot(driver, "gallery-photo");

            driver.findElement(By.cssSelector(".card .card-name a")).click();
            waiting(driver).until(ExpectedConditions.urlContains("/products/"));
            assertFalse(driver.findElements(By.cssSelector(".lookalikes .card")).isEmpty());
            screenshot(driver, "gallery-product");

            driver.manage().window().setSize(new Dimension(390, 844));
            driver.get(base + "?q=red");
            screenshot(driver, "gallery-phone");
        } finally {
            driver.quit();
        }
    }

    @Test
    void offersMatchReasonsCountsSortAndLooserMatches() throws Exception {
        WebDriver driver = browser(true);
        try {
            driver.get(base + "?q=gold+tap");
            // the tap both shops sell is one card, with the outlet's cheaper offer behind "From …"
            List<WebElement> taps = driver.findElements(By.cssSelector(".card")).stream()
                    .filter(c -> c.findElement(By.cssSelector(".card-name")).getText().equals("Gold tap")).toList();
            assertEquals(1, taps.size(), cardNames(driver).toString());
            WebElement offers = taps.get(0).findElement(By.cssSelector(".offers"));
            assertTrue(offers.getText().contains("From €110.00") && offers.getText().contains("2 shops"), offers.getText());
            offers.findElement(By.tagName("summary")).click();
            assertTrue(offers.findElement(By.tagName("li")).getText().contains("€110.00"), offers.getText());
            assertTrue(taps.get(0).findElement(By.cssSelector(".matches")).getText().matches("matches: .*Gold.*"),
                    taps.get(0).getText());
            // the shop menu says how many results each shop gives
            String shops = driver.findElement(By.id("shop")).getText();
            assertTrue(shops.matches("(?s).*Kitchen Corner \\(\\d+\\).*"), shops);
            screenshot(driver, "gallery-offers");

            driver.get(base + "?q=red&mode=look");
            assertTrue(driver.findElement(By.cssSelector("[data-total]")).getText().matches("\\d+"));
            new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("sort"))).selectByValue("price");
            waiting(driver).until(ExpectedConditions.urlContains("sort=price"));
            List<Double> prices = driver.findElements(By.cssSelector(".card .price")).stream()
                    .map(e -> Double.parseDouble(e.getText().replaceAll("[^0-9.]", ""))).toList();
            assertEquals(prices.stream().sorted().toList(), prices, "cheapest first");
            int close = driver.findElements(By.cssSelector(".card")).size();
            driver.findElement(By.cssSelector("[data-looser]")).click();
            waiting(driver).until(ExpectedConditions.urlContains("floor=off"));
            assertTrue(Integer.parseInt(driver.findElement(By.cssSelector("[data-total]")).getText()) > close,
                    "looser matches add results");
            screenshot(driver, "gallery-looser");

            // the outlet's gold tap is the same item among the kitchen tap's cheaper lookalikes
            driver.get(base + "products/" + TestShop.id("gold-tap"));
            assertTrue(driver.findElement(By.cssSelector(".other-offers")).getText().contains(TestShop.OUTLET));
            WebElement same = driver.findElements(By.cssSelector("#cheaper-heading ~ .grid .card")).get(0);
            assertTrue(same.getText().contains("Same item, other shop") && same.getText().contains("save €30.00 (21%)"),
                    same.getText());
            screenshot(driver, "gallery-same-item");
        } finally {
            driver.quit();
        }
    }

    @Test
    void worksWithoutJavaScript() throws Exception {
        WebDriver driver = browser(false);
        try {
            driver.get(base.toString());
            WebElement q = driver.findElement(By.id("q"));
            q.sendKeys("yellow");
            driver.findElement(By.cssSelector(".search-row button[type=submit]")).click();
            waiting(driver).until(ExpectedConditions.urlContains("q=yellow"));
            assertTrue(List.of("Yellow chair", "Lemon jug").contains(cardNames(driver).get(0)),
                    cardNames(driver).toString());
            driver.findElement(By.cssSelector(".card .more-like")).click();
            waiting(driver).until(ExpectedConditions.urlContains("like="));
            driver.findElement(By.cssSelector("[data-cheaper-toggle]")).click();
            waiting(driver).until(ExpectedConditions.urlContains("cheaper=true"));
            for (WebElement card : driver.findElements(By.cssSelector(".card"))) {
                assertFalse(card.findElements(By.cssSelector(".saving")).isEmpty());
            }
            screenshot(driver, "gallery-no-javascript");
        } finally {
            driver.quit();
        }
    }
}
