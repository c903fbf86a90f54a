package io.learngrid.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CORS for the origins of LEARNGRID_CORS_ORIGINS")
class CorsTest {

  private static final String SCHOOL = "https://school.example";
  private static TestNode node;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    node = NodeSettings.defaults().with("CORS_ORIGINS", SCHOOL + ", http://localhost:3000").start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create(node.api().base() + path));
  }

  @Test
  @DisplayName("a preflight from a listed origin is answered 204 with the methods and headers the API takes")
  void preflightFromAListedOrigin() throws Exception {
    HttpResponse<String> reply = send(to("/api/v1/courses").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", SCHOOL)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type, idempotency-key"));
    assertThat(reply.statusCode()).isEqualTo(204);
    assertThat(reply.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SCHOOL);
    assertThat(reply.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST", "PATCH");
    assertThat(reply.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Authorization", "Content-Type", "Idempotency-Key");
    assertThat(reply.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
  }

  @Test
  @DisplayName("a request from a listed origin may read the reply and its rate-limit headers; another origin's may not")
  void onlyListedOriginsMayRead() throws Exception {
    Api api = node.api();
    String student = api.login(api.registerStudent("student-password"), "student-password");
    HttpResponse<String> listed = send(to("/api/v1/me").header("Origin", SCHOOL).header("Authorization", "Bearer " + student));
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SCHOOL);
    assertThat(listed.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("RateLimit-Remaining");
    assertThat(listed.headers().allValues("Vary")).anySatisfy(vary -> assertThat(vary).containsIgnoringCase("origin"));

    // Served all the same (a same-origin POST carries Origin too), without the header a browser needs.
    HttpResponse<String> other = send(to("/api/v1/me").header("Origin", "https://elsewhere.example")
        .header("Authorization", "Bearer " + student));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    Reply noOrigin = api.get("/api/v1/me", student);
    assertThat(noOrigin.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  @DisplayName("an origin with a path is a configuration error naming the key")
  void originWithAPathIsRefused() {
    assertThatThrownBy(() -> LearngridConfig.from(new SettingsReader(Map.of(
        "LEARNGRID_ROLES", "persistence",
        "LEARNGRID_PG_URL", "postgresql://app@127.0.0.1:5432/learngrid",
        "LEARNGRID_CORS_ORIGINS", "https://school.example/app"))))
        .hasMessageContaining("LEARNGRID_CORS_ORIGINS").hasMessageContaining("https://school.example/app");
  }
}
