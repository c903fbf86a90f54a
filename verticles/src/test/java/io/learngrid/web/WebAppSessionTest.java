package io.learngrid.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Browser;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web app's session (docs/web-app.md, "Tokens"): the access token in memory only, the refresh
 * token in sessionStorage, refreshed before it expires, so a page left open keeps working; a
 * reload signs in again from the refresh token; signing out ends the refresh token on the server.
 */
@DisplayName("The web app's session: tokens kept out of storage, refreshed before they expire, ended on sign-out")
@LearngridNode
class WebAppSessionTest {

  /** The shortest access token the node allows, so a test sees one expire. */
  static NodeSettings settings = NodeSettings.defaults().with("ACCESS_TOKEN_SECONDS", 30);

  private final Api api;
  private Browser browser;

  WebAppSessionTest(Api api) {
    this.api = api;
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.close();
    }
  }

  private String refreshToken() {
    return (String) browser.sessionStorage().get("learngrid.refreshToken");
  }

  @Test
  @DisplayName("a dashboard left open past its access token's expiry still updates, and a reload keeps the session")
  void outlivesTheAccessToken() throws Exception {
    Account teacher = api.account("teacher");
    String courseId = api.post("/api/v1/courses", new JsonObject().put("title", "Physics 10").put("subject", "physics")
        .put("description", ""), teacher.token()).json().getString("id");
    JsonObject assignment = api.post("/api/v1/courses/" + courseId + "/assignments", new JsonObject().put("title", "Units")
        .put("questions", new JsonArray().add(new JsonObject().put("prompt", "Unit of power?").put("kind", "text")
            .put("answer", "watt").put("points", 1))), teacher.token()).json();
    Account student = api.account("student");
    api.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", student.id()), teacher.token());

    browser = Browser.open(api.base(), 1280, 1000);
    browser.signIn(teacher.email(), "account-password", "My courses");
    long signedIn = System.currentTimeMillis();
    String first = refreshToken();
    assertThat(first).isNotBlank();
    assertThat((Long) browser.script("return localStorage.length")).isZero();
    assertThat(browser.driver().manage().getCookies()).as("no cookies either").isEmpty();

    browser.go("/courses/" + courseId + "/live");
    browser.waitForHeading("Live dashboard: Physics 10");
    browser.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.attributeToBe(By.id("live-status"), "data-state", "live"));

    // Let the 30 s access token run out: what is tested is the page after that time.
    Eventually.within(40, () -> System.currentTimeMillis() > signedIn + 31_000);
    assertThat(api.post("/api/v1/assignments/" + assignment.getString("id") + "/answers", new JsonObject()
        .put("questionId", assignment.getJsonArray("questions").getJsonObject(0).getString("id")).put("answer", "Watt"),
        student.token()).status()).isEqualTo(202);
    browser.waiting(Duration.ofSeconds(5)).until(ExpectedConditions.textMatches(By.cssSelector("#feed li"),
        java.util.regex.Pattern.compile("Test student answered Q1 of Units: correct")));
    // The heat map cell is read again through the API: with a fresh access token, from a refresh.
    browser.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(
        By.cssSelector("#heatmap td[data-student='" + student.id() + "']"), "1/1"));
    String second = refreshToken();
    assertThat(second).as("the refresh token rotated when the page refreshed").isNotEqualTo(first);

    // A reload: nothing in memory any more, so the page signs in again from sessionStorage.
    browser.driver().navigate().refresh();
    browser.waitForHeading("Live dashboard: Physics 10");
    String third = refreshToken();
    assertThat(third).as("a reload refreshes").isNotEqualTo(second);

    browser.find("#nav button").click();
    browser.waitForHeading("Sign in");
    assertThat(browser.sessionStorage()).as("signing out forgets the refresh token").isEmpty();
    assertThat(api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", third), null).status())
        .as("and the server refuses it from then on").isEqualTo(401);
    assertThat(browser.consoleErrors()).isEmpty();
  }
}
