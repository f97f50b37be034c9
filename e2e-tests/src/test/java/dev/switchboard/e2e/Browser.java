package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's headless Chromium driven through its chromedriver ({@code apt-get install chromium chromium-driver};
 * {@code .ci/run} installs them), with nothing downloaded: Selenium is given both binaries. It records every URL
 * the page requested (Chrome's performance log) and saves full-page screenshots.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));
    private static final int WIDTH = 1440;
    private static final int HEIGHT = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChromeDriver driver;
    private final Path screenshots;
    private final List<String> requested = new ArrayList<>();

    private Browser(final ChromeDriver driver, final Path screenshots) {
        this.driver = driver;
        this.screenshots = screenshots;
    }

    static Browser start(final Path screenshots) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
            .as("Debian's chromium and chromium-driver (%s, %s) for the console's browser tests: "
                + "apt-get install chromium chromium-driver", CHROMIUM, CHROMEDRIVER).isTrue();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic", "--disable-extensions", "--window-size=" + WIDTH + "," + HEIGHT,
            "--user-data-dir=" + Files.createTempDirectory("switchboard-chromium"));
        final LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        final ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, screenshots);
    }

    WebDriver driver() {
        return driver;
    }

    /** Moves the URLs requested since the last call from Chrome's performance log into this list. */
    void collectRequests() {
        for (final LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            final JsonNode message = JSON.readTree(entry.getMessage()).path("message");
            if (message.path("method").asString().equals("Network.requestWillBeSent")) {
                requested.add(message.path("params").path("request").path("url").asString());
            }
        }
    }

    /** Every URL the page has requested since it started (pages, scripts, API calls). */
    List<String> requestedUrls() {
        collectRequests();
        return List.copyOf(requested);
    }

    /** Saves the whole page, not just the window, as {@code name.png} (Chrome's own capture beyond the viewport). */
    void screenshot(final String name) throws Exception {
        final Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        final Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        final double width = Math.max(((Number) size.get("width")).doubleValue(), WIDTH);
        final double height = Math.min(((Number) size.get("height")).doubleValue(), 6000);
        final Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
            "format", "png", "captureBeyondViewport", true,
            "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.createDirectories(screenshots);
        Files.write(screenshots.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() {
        driver.quit();
    }

}
