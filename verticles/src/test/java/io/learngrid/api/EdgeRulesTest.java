package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.LearningFixture;
import io.vertx.core.json.JsonObject;
import io.learngrid.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules every route meets at the edge, whatever it does: issue 18's input and protocol defects. */
@DisplayName("Edge rules")
@LearngridNode
class EdgeRulesTest {

  private static LearningFixture fixture;
  private final Api api;
  private final String teacher;

  EdgeRulesTest(Api api) {
    this.api = api;
    this.teacher = api.teacherToken();
  }

  @BeforeAll
  static void open() {
    fixture = LearningFixture.open();
  }

  @AfterAll
  static void close() throws Exception {
    fixture.close();
  }

  private Reply createCourse(String rawTitleJson) {
    return api.post("/api/v1/courses", "{\"title\":" + rawTitleJson + ",\"subject\":\"edges\",\"description\":\"\"}", teacher);
  }

  @ParameterizedTest(name = "title {0}")
  @ValueSource(strings = {"\"a\\u0000b\"", "\"lone \\ud800 high\"", "\"lone \\udc00 low\""})
  @DisplayName("a body string PostgreSQL cannot store is a 400 naming the field")
  void unstorableBodyText(String title) {
    Reply reply = createCourse(title);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(reply.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("title");
  }

  @Test
  @DisplayName("a NUL deep in a body is named by its path")
  void nestedNul() {
    String course = createCourse("\"Nested\"").json().getString("id");
    Reply reply = api.post("/api/v1/courses/" + course + "/assignments", new JsonObject().put("title", "Quiz")
        .put("questions", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("prompt", "two\u0000plus two").put("kind", "number").put("answer", 4).put("points", 1))),
        teacher);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("questions[0].prompt");
  }

  @Test
  @DisplayName("a pair of surrogates (an emoji) is text like any other")
  void pairedSurrogates() {
    Reply reply = createCourse("\"Fractions \\ud83c\\udf55\"");
    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.json().getString("title")).isEqualTo("Fractions \ud83c\udf55");
  }

  @Test
  @DisplayName("a NUL in a query parameter is a 400, not a 500")
  void nulInQuery() {
    Reply reply = api.get("/api/v1/courses?subject=%00", teacher);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("subject");
  }

  @ParameterizedTest(name = "Content-Type: {0}")
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1",
      "application/jsonx"})
  @DisplayName("a JSON route refuses any other media type with 415")
  void wrongContentType(String type) {
    Reply reply = api.exchange("POST", "/api/v1/courses", Map.of("Authorization", "Bearer " + teacher,
        "Content-Type", type), "{\"title\":\"T\",\"subject\":\"s\",\"description\":\"\"}");
    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("a JSON body without a Content-Type is a 415; with charset=utf-8 it is accepted")
  void contentTypeAbsentOrWithCharset() {
    String body = "{\"title\":\"T\",\"subject\":\"s\",\"description\":\"\"}";
    assertThat(api.exchange("POST", "/api/v1/courses", Map.of("Authorization", "Bearer " + teacher), body).status())
        .isEqualTo(415);
    assertThat(api.exchange("POST", "/api/v1/courses", Map.of("Authorization", "Bearer " + teacher,
        "Content-Type", "application/json; charset=UTF-8"), body).status()).isEqualTo(201);
  }

  @ParameterizedTest(name = "Authorization: \"{0}\"")
  @ValueSource(strings = {"X", "Bearer", "Bearer ", "Bearer  abc", "Basic dXNlcjpwYXNz", "Bearer a b"})
  @DisplayName("a malformed Authorization header is a 401 with WWW-Authenticate, like a missing one")
  void malformedAuthorization(String header) {
    Reply reply = api.exchange("GET", "/api/v1/me", Map.of("Authorization", header), null);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("a missing Authorization header is a 401 with WWW-Authenticate")
  void missingAuthorization() {
    Reply reply = api.get("/api/v1/me", null);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  @DisplayName("a token signed with the real key but without exp, iat, aud, iss, sub or jti, or living longer than issued ones, is a 401")
  void tokenLifetimeIsBounded() throws Exception {
    String id = fixture.student().id();
    long now = Instant.now().getEpochSecond();
    JsonObject valid = new JsonObject().put("sub", id).put("role", "student").put("iss", "learngrid")
        .put("aud", "learngrid-api").put("jti", java.util.UUID.randomUUID().toString()).put("iat", now).put("exp", now + 900);
    assertThat(api.get("/api/v1/me", signed(valid)).status()).isEqualTo(200);

    List<JsonObject> forged = List.of(
        valid.copy().put("exp", null), valid.copy().put("iat", null), valid.copy().put("aud", null),
        valid.copy().put("iss", null), valid.copy().put("iss", "elsewhere"), valid.copy().put("jti", null),
        valid.copy().put("sub", null), valid.copy().put("exp", now + 365 * 86_400),
        valid.copy().put("iat", now + 3_600).put("exp", now + 4_000));
    for (JsonObject claims : forged) {
      claims.getMap().values().removeIf(java.util.Objects::isNull);
      Reply reply = api.get("/api/v1/me", signed(claims));
      assertThat(reply.status()).as(claims.encode()).isEqualTo(401);
      assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
    }
  }

  /** An HS256 JWT of exactly these claims, signed with the node's key. */
  private static String signed(JsonObject claims) throws Exception {
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    String unsigned = base64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + base64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TestNode.JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return unsigned + "." + base64.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @DisplayName("a wrong method on a known path is a 405 whose Allow lists the methods served there")
  void methodNotAllowed() {
    Reply courses = api.method("DELETE", "/api/v1/courses", teacher);
    assertThat(courses.status()).isEqualTo(405);
    assertThat(courses.header("Allow")).isEqualTo("GET, POST");
    assertThat(courses.header("Content-Type")).isEqualTo("application/problem+json");

    Reply login = api.method("PUT", "/api/v1/auth/login", teacher);
    assertThat(login.status()).isEqualTo(405);
    assertThat(login.header("Allow")).isEqualTo("POST");

    Reply course = api.method("PUT", "/api/v1/courses/00000000-0000-0000-0000-000000000000", teacher);
    assertThat(course.status()).isEqualTo(405);
    assertThat(course.header("Allow")).isEqualTo("DELETE, GET, PATCH");

    Reply health = api.method("POST", "/health", null);
    assertThat(health.status()).isEqualTo(405);
    assertThat(health.header("Allow")).isEqualTo("GET");
  }

  @Test
  @DisplayName("an unknown path is still a 404")
  void unknownPath() {
    assertThat(api.get("/api/v1/nothing-here", teacher).status()).isEqualTo(404);
    assertThat(api.get("/nothing-here", null).status()).isEqualTo(404);
  }

  /** A raw exchange: the request's bytes as written, the whole reply up to the node's close. */
  private String raw(String request) throws Exception {
    java.net.URI base = java.net.URI.create(api.base());
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      // Read to the end: the node closes after these replies, so a hang here fails the test.
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static JsonObject problemOf(String reply) {
    return new JsonObject(reply.substring(reply.indexOf("\r\n\r\n") + 4));
  }

  @Test
  @DisplayName("a URL over the request-line limit is a 414 problem+json, and the connection is closed")
  void uriTooLong() throws Exception {
    String reply = raw("GET /api/v1/courses?q=" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    // HTTP/1.0: the decoder never read the request's version.
    assertThat(reply).matches("(?s)HTTP/1\\.[01] 414 .*");
    assertThat(reply).containsIgnoringCase("content-type: application/problem+json");
    assertThat(problemOf(reply).getInteger("status")).isEqualTo(414);
    assertThat(problemOf(reply).getString("detail")).contains("4096");
  }

  @Test
  @DisplayName("headers over the limit are a 431 problem+json, and the connection is closed")
  void headersTooLarge() throws Exception {
    String reply = raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + "b".repeat(10_000) + "\r\n\r\n");
    assertThat(reply).matches("(?s)HTTP/1\\.[01] 431 .*");
    assertThat(reply).containsIgnoringCase("content-type: application/problem+json");
    assertThat(problemOf(reply).getInteger("status")).isEqualTo(431);
  }
}
