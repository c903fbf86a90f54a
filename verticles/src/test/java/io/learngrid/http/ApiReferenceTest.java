package io.learngrid.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /docs: the API reference, rendered from /openapi.yaml by Swagger UI shipped in the jar")
@LearngridNode
class ApiReferenceTest {

  private final Api api;

  ApiReferenceTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("the page loads Swagger UI and its script from this node, and they are served")
  void pageAndItsFilesAreServed() {
    Reply page = api.get("/docs/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("/docs/swagger-ui/swagger-ui-bundle.js", "/docs/reference.js")
        .doesNotContain("https://");

    Reply bundle = api.get("/docs/swagger-ui/swagger-ui-bundle.js", null);
    assertThat(bundle.status()).as("the webjar's version matches HttpVerticle.SWAGGER_UI").isEqualTo(200);
    assertThat(bundle.header("Content-Type")).contains("javascript");
    assertThat(api.get("/docs/swagger-ui/swagger-ui.css", null).status()).isEqualTo(200);
    Reply script = api.get("/docs/reference.js", null);
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("url: \"/openapi.yaml\"");
  }

  @Test
  @DisplayName("/docs without the slash reaches the page, and a missing file is a 404")
  void docsWithoutSlashAndMissingFiles() {
    Reply docs = api.get("/docs", null);
    assertThat(docs.status()).isIn(200, 301, 302);
    assertThat(api.get("/docs/swagger-ui/missing.js", null).status()).isEqualTo(404);
  }
}
