package io.firebreak.functions.statuspage;

import static io.firebreak.testing.Lifecycle.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import io.firebreak.testing.FakeApp;
import io.firebreak.testing.FakeMessaging;
import io.firebreak.testing.FakeSlack;
import io.firebreak.testing.OpsRecords;
import io.firebreak.testing.PostgresDatabases;
import io.firebreak.testing.Sql;
import io.firebreak.testing.TestDatabases;
import io.firebreak.testing.Tokens;

/** The public status page as a reader's real browser (headless Chromium) renders it: during an incident, after it, on a phone and without JavaScript. */
@QuarkusTest
@WithTestResource(PostgresDatabases.class)
@WithTestResource(FakeApp.class)
@WithTestResource(FakeMessaging.class)
@WithTestResource(FakeSlack.class)
class StatusPageBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Past the page's 5 s rendering cache and the async re-render after a change, with room for a slow machine. */
    private static final Duration SHOWN_WITHIN = Duration.ofSeconds(10);

    private static final List<Path> PROFILES = new ArrayList<>();
    private static WebDriver browser;
    private static WebDriver noScript;

    @TestHTTPResource("/status/")
    URL page;

    @TestDatabases.Inject
    TestDatabases db;

    private final List<String> declared = new ArrayList<>();
    private String suffix;

    @BeforeAll
    static void startBrowsers() throws IOException {
        // Nothing may be fetched from the network: no usage stats, and the driver is given, so Selenium Manager stays idle.
        System.setProperty("SE_AVOID_STATS", "true");
        browser = chromium(false);
        noScript = chromium(true);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void quitBrowsers() throws IOException {
        for (WebDriver d : new WebDriver[] {browser, noScript}) {
            if (d != null) {
                d.quit();
            }
        }
        for (Path profile : PROFILES) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @BeforeEach
    void quiet() {
        // Other classes share this ops database: their open incidents and fresh failing probes would colour the components.
        new OpsRecords(db.ops()).quiet();
        Sql.exec(db.ops(), "DELETE FROM confirmations");
        suffix = UUID.randomUUID().toString().substring(0, 8);
        browser.manage().window().setSize(new Dimension(1200, 1600));
    }

    @AfterEach
    void resolveWhatWasLeftOpen() {
        // Through resolve-incident, not SQL: only a resolution post takes an incident off the public page.
        for (String id : declared) {
            call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"test over\",\"force\":true,"
                    + "\"reason\":\"browser test cleanup\"}");
        }
    }

    @Test
    void duringAnIncidentThePageTellsTheOutageItsUpdatesAndWhenTheNextComes() throws IOException {
        String title = "Checkout errors " + suffix;
        String first = "We are investigating failed checkouts (" + suffix + ").";
        String second = "We found the cause and are rolling back (" + suffix + ").";
        String id = declare(title, first);
        call("update-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"status\":\"mitigating\",\"public\":{"
                + "\"status\":\"identified\",\"text\":\"" + second + "\"}}").statusCode(200);

        open(browser, page.toString(), d -> d.getPageSource().contains(second));
        assertNotEquals("All Systems Operational", browser.findElement(By.cssSelector("h1#overall")).getText());
        assertEquals("Major outage", browser.findElement(By.cssSelector("#component-api .state")).getText());

        WebElement card = card(browser, id);
        assertTrue(card.getText().contains(first), card.getText());
        assertTrue(card.getText().contains(second), card.getText());
        WebElement next = card.findElement(By.cssSelector(".next-update"));
        assertTrue(next.getText().startsWith("Next update by "), next.getText());
        Instant due = Instant.parse(next.findElement(By.tagName("time")).getDomAttribute("datetime"));
        assertTrue(due.isAfter(Instant.now().minus(Duration.ofMinutes(1))), "next update due " + due);

        for (String landmark : List.of("header", "main", "footer")) {
            assertEquals(1, browser.findElements(By.tagName(landmark)).size(), landmark);
        }
        assertNoConsoleErrors(browser);
        screenshot(browser, "status-during-incident.png");

        card.findElement(By.cssSelector("h3 a")).click();
        assertEquals(title, browser.findElement(By.cssSelector("h1#incident-h")).getText());
        List<WebElement> updates = browser.findElements(By.cssSelector("article .update"));
        assertEquals(2, updates.size());
        // Newest first, as readers expect of a status history.
        assertTrue(updates.get(0).getText().startsWith("Identified — " + second), updates.get(0).getText());
        assertTrue(updates.get(1).getText().startsWith("Investigating — " + first), updates.get(1).getText());
        assertTrue(browser.findElement(By.cssSelector(".next-update time")).getDomAttribute("datetime").length() > 0);
        assertNoConsoleErrors(browser);

        browser.manage().window().setSize(new Dimension(390, 844));
        open(browser, page.toString(), d -> d.getPageSource().contains(second));
        long scrollWidth = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth");
        long innerWidth = (Long) ((JavascriptExecutor) browser).executeScript("return window.innerWidth");
        assertTrue(scrollWidth <= innerWidth, "page is " + scrollWidth + " px wide in a " + innerWidth + " px phone window");
        screenshot(browser, "status-phone.png");
    }

    @Test
    void afterResolutionTheIncidentIsPastAndTheComponentOperational() throws IOException {
        String title = "Checkout errors " + suffix;
        String id = declare(title, "We are investigating failed checkouts (" + suffix + ").");
        String fixed = "Fixed: checkouts work again (" + suffix + ").";
        call("resolve-incident", Tokens.ADA, "{\"id\":\"" + id + "\",\"resolution\":\"Rolled back\",\"force\":true,"
                + "\"reason\":\"the rollback is verified by hand\",\"public\":{\"text\":\"" + fixed + "\"}}").statusCode(200);
        declared.remove(id);

        By pastLink = By.xpath("//section[@aria-labelledby='past-h']//a[@href='incidents/" + id + ".html']");
        open(browser, page.toString(), d -> !d.findElements(pastLink).isEmpty());
        assertEquals(title, browser.findElement(pastLink).getText());
        assertTrue(browser.findElements(By.id("inc-" + id)).isEmpty(), "still among the active incidents");
        assertEquals("Operational", browser.findElement(By.cssSelector("#component-api .state")).getText());
        assertNoConsoleErrors(browser);
        screenshot(browser, "status-after-resolution.png");

        browser.findElement(pastLink).click();
        WebElement latest = browser.findElements(By.cssSelector("article .update")).get(0);
        assertTrue(latest.getText().startsWith("Resolved — " + fixed), latest.getText());
        assertTrue(browser.findElements(By.cssSelector(".next-update")).isEmpty(), "a resolved incident promises no update");
    }

    @Test
    void withoutJavaScriptThePageStillShowsComponentsAndTheSubscribeForm() throws IOException {
        open(noScript, page.toString(), d -> !d.findElements(By.id("component-api")).isEmpty());
        for (String c : List.of("api", "web", "payments", "documents", "notifications")) {
            WebElement row = noScript.findElement(By.id("component-" + c));
            assertTrue(row.isDisplayed(), c);
            assertFalse(row.findElement(By.cssSelector(".state")).getText().isBlank(), c);
        }
        // The pref must really switch scripts off, or this test would prove nothing.
        noScript.get("data:text/html,%3Ctitle%3Eoff%3C/title%3E%3Cscript%3Edocument.title=%27on%27%3C/script%3E");
        assertEquals("off", noScript.getTitle());
        open(noScript, page.toString(), d -> !d.findElements(By.id("component-api")).isEmpty());
        WebElement form = noScript.findElement(By.cssSelector("section[aria-labelledby='subscribe-h'] form"));
        assertEquals("post", form.getDomAttribute("method"));
        assertTrue(form.getDomProperty("action").endsWith("/status/subscriptions"), form.getDomProperty("action"));
        assertTrue(form.findElement(By.id("email")).isDisplayed());
        assertTrue(form.findElement(By.cssSelector("button[type='submit']")).isDisplayed());
        screenshot(noScript, "status-no-js.png");
    }

    private String declare(String title, String text) {
        String id = call("declare-incident", Tokens.ADA, "{\"title\":\"DB down " + suffix + "\",\"severity\":\"P1\","
                + "\"impact\":\"checkout fails\",\"commander\":\"ada\",\"public\":{\"title\":\"" + title + "\",\"text\":\""
                + text + "\",\"components\":{\"api\":\"major_outage\"}}}").statusCode(200).extract().path("incidentId");
        declared.add(id);
        return id;
    }

    /** The active incident's card, found by its heading so other classes' incidents do not matter. */
    private static WebElement card(WebDriver d, String id) {
        return d.findElement(By.xpath("//article[h3[@id='inc-" + id + "']]"));
    }

    /** Loads the page and reloads until it shows what a change just made; a reload revalidates past the browser's cache. */
    private static void open(WebDriver d, String url, Function<WebDriver, Boolean> shown) {
        d.get(url);
        new WebDriverWait(d, SHOWN_WITHIN, Duration.ofMillis(300)).until(x -> {
            if (shown.apply(x)) {
                return true;
            }
            x.navigate().refresh();
            return false;
        });
    }

    private static void assertNoConsoleErrors(WebDriver d) {
        // The page names its icon (the badge), so the browser never asks for a missing /favicon.ico either.
        List<LogEntry> severe = d.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(severe.isEmpty(), "console errors: " + severe);
    }

    private static void screenshot(WebDriver d, String name) throws IOException {
        File shot = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static WebDriver chromium(boolean withoutJavaScript) throws IOException {
        Path profile = Files.createTempDirectory("firebreak-chromium-");
        PROFILES.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1200,1600", "--user-data-dir=" + profile);
        if (withoutJavaScript) {
            options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
