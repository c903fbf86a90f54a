package io.learngrid.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through its chromedriver, one browser profile per instance (two
 * instances are two users who share nothing, as two devices would).
 *
 * <p>{@code -Dlearngrid.chromedriver=<path>} names the driver, and then it must work: .ci/run passes
 * Debian's {@code /usr/bin/chromedriver}, so there a broken browser fails the build. Without it
 * the driver is looked for on the PATH, and a machine with neither (only a JDK) skips the browser
 * tests. The browser is {@code -Dlearngrid.chromium}, else {@code chromium} (Debian's) or
 * {@code google-chrome} on the PATH.
 */
public final class Browser implements AutoCloseable {

  /** Where every page's screenshot goes: verticles/target/screenshots/. */
  public static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();

  private final ChromeDriver driver;
  private final String base;
  private final Path downloads;

  private Browser(ChromeDriver driver, String base, Path downloads) {
    this.driver = driver;
    this.base = base;
    this.downloads = downloads;
  }

  /** A new browser at {@code base} (http://host:port), its window {@code width} × {@code height}. */
  public static Browser open(String base, int width, int height) {
    Path chromedriver = chromedriver();
    ChromeOptions options = new ChromeOptions();
    Path chromium = chromium();
    if (chromium != null) {
      options.setBinary(chromium.toFile());
    }
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--disable-background-networking", "--lang=en-GB",
        "--window-size=" + width + "," + height);
    Path downloads;
    try {
      downloads = Files.createDirectories(Path.of("target", "downloads", java.util.UUID.randomUUID().toString()))
          .toAbsolutePath();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    return new Browser(driver, base, downloads);
  }

  private static Path chromedriver() {
    String given = System.getProperty("learngrid.chromedriver");
    if (given != null && !given.isBlank()) {
      Path path = Path.of(given);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("-Dlearngrid.chromedriver=" + given + " is not an executable file");
      }
      return path;
    }
    Path found = onPath("chromedriver");
    Assumptions.assumeTrue(found != null, "no chromedriver on the PATH and no -Dlearngrid.chromedriver: browser tests skipped");
    return found;
  }

  private static Path chromium() {
    String given = System.getProperty("learngrid.chromium");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    return Stream.of("chromium", "chromium-browser", "google-chrome").map(Browser::onPath)
        .filter(p -> p != null).findFirst().orElse(null);
  }

  private static Path onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The folder this browser saves downloads in (a new one per browser). */
  public Path downloads() {
    return downloads;
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Opens {@code /app/#<route>}. */
  public Browser go(String route) {
    driver.get(base + "/app/#" + route);
    return this;
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Waits (DOM polling, up to {@code seconds}) until an element matching {@code css} is visible. */
  public WebElement waitFor(String css, int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds))
        .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the page's h1 reads {@code text}: the route has rendered. */
  public void waitForHeading(String text) {
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBe(By.cssSelector("main h1"), text));
  }

  /** A wait that polls every 25 ms; an element the page replaced meanwhile (a live update) is looked up again. */
  public WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(25));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  public void type(String css, String text) {
    WebElement input = find(css);
    input.clear();
    input.sendKeys(text);
  }

  public void signIn(String email, String password, String heading) {
    go("/signin");
    waitForHeading("Sign in");
    type("input[name=email]", email);
    type("input[name=password]", password);
    find("form button[type=submit]").click();
    waitForHeading(heading);
  }

  /** Writes target/screenshots/{@code name}.png. */
  public Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /** The console's errors (and failed loads, which Chromium logs there) since the last call. */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage).toList();
  }

  /**
   * The page's form controls that have no accessible name (no label, aria-label or
   * aria-labelledby), each as its tag and name: what a screen reader would announce as "edit text".
   */
  @SuppressWarnings("unchecked")
  public List<String> unlabelledControls() {
    return (List<String>) driver.executeScript("""
        return [...document.querySelectorAll('input, select, textarea, button')]
          .filter((el) => el.type !== 'hidden')
          .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
            && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
          .map((el) => `${el.tagName.toLowerCase()} ${el.name || el.id}`);
        """);
  }

  /** Runs {@code script} in the page and returns its value. */
  public Object script(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  public Map<String, Object> sessionStorage() {
    @SuppressWarnings("unchecked")
    Map<String, Object> storage = (Map<String, Object>) driver.executeScript(
        "return Object.fromEntries(Object.entries(sessionStorage));");
    return storage;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
