/*
 * Copyright 2026 The async-cassandra authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.asynccassandra.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.asynccassandra.AsyncSession;
import org.asynccassandra.ResumeTokenSigner;
import org.asynccassandra.micrometer.AsyncCassandraMetrics;
import org.asynccassandra.testkit.CassandraExtension;
import org.asynccassandra.testkit.TestData;
import org.asynccassandra.testkit.TestKeyspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium: Next three times, Previous once, a page number. Where Debian's
 * chromium and chromium-driver are not installed it is skipped with a warning on stderr, except on CI
 * (CI=true, which .ci/run sets and where .ci/run installs them), where it fails instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIf(value = "browserInstalled", disabledReason = "SKIPPED: no chromium and chromium-driver in /usr/bin")
@ExtendWith(CassandraExtension.class)
class WebBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Vertx vertx;
  private AsyncSession async;
  private HttpServer http;
  private AsyncCassandraMetrics meters;
  private WebDriver browser;
  private Path profile;
  private List<String> expected;

  @BeforeAll
  void start(CqlSession session, TestKeyspace keyspace) throws Exception {
    String table = keyspace.table("items");
    TestData.createSampleTable(session, table);
    TestData.loadSampleRows(session, table, 2_000, 500);
    expected = new ArrayList<>();
    for (Row row : session.execute(SimpleStatement.newInstance("SELECT pk, ck FROM " + table))) {
      expected.add(row.getInt(0) + "/" + row.getInt(1));
    }
    vertx = Vertx.vertx();
    async = AsyncSession.wrap(session);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    meters = WebServer.meters(async);
    http = WebServer.start(vertx, session, async, meters, table, ResumeTokenSigner.hmacSha256(key), 0);

    profile = Files.createTempDirectory("async-cassandra-chromium-");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900",
            "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  static final String MISSING_BROWSER = "Browser test needs Debian's chromium and chromium-driver at " + CHROMIUM
      + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";

  /** Decides before the shared server starts, so that a skip costs nothing; see {@link #requireBrowser}. */
  static boolean browserInstalled() {
    return requireBrowser(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), System.getenv("CI"));
  }

  /**
   * Whether the browser test can run: false, with a warning on stderr, when the browser is missing, except
   * when {@code ci} is "true": CI must run the browser test, so a missing browser there fails the class.
   *
   * @throws AssertionError when the browser is missing on CI
   */
  static boolean requireBrowser(boolean browserInstalled, String ci) {
    if (browserInstalled) {
      return true;
    }
    if ("true".equalsIgnoreCase(ci)) {
      throw new AssertionError(MISSING_BROWSER + "; CI=true, so this is a failure, not a skip");
    }
    System.err.println("WARNING: WebBrowserIT SKIPPED. " + MISSING_BROWSER + ".");
    return false;
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      meters.close();
      async.close();
    }
    if (profile != null) {
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The rows the table shows, read in one script so that a re-render cannot tear them. */
  @SuppressWarnings("unchecked")
  private List<String> shownRows() {
    return (List<String>) ((JavascriptExecutor) browser).executeScript(
        "return [...document.querySelectorAll('#rows tr')].map(r => r.cells[0].textContent + '/' + r.cells[1].textContent)");
  }

  private void waitForRows(List<String> rows) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> shownRows().equals(rows));
  }

  private void click(String id) {
    WebElement button = browser.findElement(By.id(id));
    button.click();
  }

  @Test
  void should_page_forward_and_back_and_jump_to_a_page_number() throws Exception {
    browser.get("http://localhost:" + http.actualPort() + "/");
    waitForRows(expected.subList(0, 10));
    for (int page = 2; page <= 4; page++) {
      click("next");
      waitForRows(expected.subList((page - 1) * 10, page * 10));
    }
    assertThat(browser.findElement(By.id("pageNumber")).getText()).isEqualTo("4");
    click("prev");
    waitForRows(expected.subList(20, 30));
    assertThat(browser.findElement(By.id("pageNumber")).getText()).isEqualTo("3");

    WebElement jump = browser.findElement(By.id("jump"));
    jump.clear();
    jump.sendKeys("7");
    click("go");
    waitForRows(expected.subList(60, 70));

    Path screenshot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.createDirectories(Path.of("target"));
    Files.copy(screenshot, Path.of("target/web-page.png"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(Path.of("target/web-page.png"))).isPositive();
  }

  @Test
  void should_move_one_page_on_a_double_click_and_number_the_pages_right() {
    // Both clicks pushed onto the Previous stack before either page came: page 2 was labelled 3, and
    // Previous then showed page 1 labelled 2.
    browser.get("http://localhost:" + http.actualPort() + "/");
    waitForRows(expected.subList(0, 10));
    ((JavascriptExecutor) browser).executeScript(
        "const next = document.getElementById('next'); next.click(); next.click();");
    waitForRows(expected.subList(10, 20));
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(driver -> "2".equals(driver.findElement(By.id("pageNumber")).getText()));
    click("prev");
    waitForRows(expected.subList(0, 10));
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(driver -> "1".equals(driver.findElement(By.id("pageNumber")).getText()));
    assertThat(browser.findElement(By.id("prev")).isEnabled()).isFalse();
  }
}
