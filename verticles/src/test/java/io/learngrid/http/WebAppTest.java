package io.learngrid.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /app/: the web app's page and files from the jar, cached by version, under a strict CSP")
@LearngridNode
class WebAppTest {

  private static final Pattern MAIN_SCRIPT = Pattern.compile("src=\"(/app/assets/([0-9a-f]{16})/app\\.js)\"");

  private final Api api;

  WebAppTest(Api api) {
    this.api = api;
  }

  private String scriptPath(Reply page) {
    Matcher script = MAIN_SCRIPT.matcher(page.body());
    assertThat(script.find()).as("the page names its script under /app/assets/<version>/: " + page.body()).isTrue();
    return script.group(1);
  }

  @Test
  @DisplayName("/ and /app redirect to /app/")
  void redirects() {
    Reply home = api.get("/", null);
    assertThat(home.status()).isEqualTo(302);
    assertThat(home.header("Location")).isEqualTo("/app/");
    Reply app = api.get("/app", null);
    assertThat(app.status()).isEqualTo(301);
    assertThat(app.header("Location")).isEqualTo("/app/");
  }

  @Test
  @DisplayName("the page is revalidated (no-cache, ETag, 304) and forbids inline scripts, framing and other origins")
  void pageHeaders() {
    Reply page = api.get("/app/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    String csp = page.header("Content-Security-Policy");
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
        "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(page.body()).doesNotContain("https://", "http://", "{{assets}}")
        .as("no inline script").doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");

    Reply again = api.exchange("GET", "/app/", Map.of("If-None-Match", page.header("ETag")), null);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  @DisplayName("files of this version are immutable for a year; another version's path gets today's file, revalidated")
  void assetsAreVersioned() {
    String script = scriptPath(api.get("/app/", null));
    Reply current = api.get(script, null);
    assertThat(current.status()).isEqualTo(200);
    assertThat(current.header("Content-Type")).startsWith("text/javascript");
    assertThat(current.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(current.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(current.body()).contains("import");

    // Its imports are relative, so they stay under the same version.
    Reply module = api.get(script.replace("app.js", "lib/sse.js"), null);
    assertThat(module.status()).isEqualTo(200);
    assertThat(module.body()).contains("Last-Event-ID");

    Reply older = api.get("/app/assets/0000000000000000/app.js", null);
    assertThat(older.status()).isEqualTo(200);
    assertThat(older.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(older.body()).isEqualTo(current.body());
    assertThat(api.get(script.replace("app.js", "app.css"), null).header("Content-Type")).startsWith("text/css");
  }

  @Test
  @DisplayName("anything else under /app/ is a problem+json 404, and files outside webapp/ are out of reach")
  void missingFiles() {
    String script = scriptPath(api.get("/app/", null));
    for (String path : new String[] {"/app/other", script.replace("app.js", "missing.js"),
        script.replace("app.js", "../../openapi.yaml"), "/app/assets/x", "/app/assets/" }) {
      Reply reply = api.get(path, null);
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertThat(reply.header("Content-Type")).as(path).startsWith("application/problem+json");
    }
  }
}
