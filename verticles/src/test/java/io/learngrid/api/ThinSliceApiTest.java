package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The thin slice of docs/api.md over real HTTP, PostgreSQL, Redis and the AI simulator")
@LearngridNode
class ThinSliceApiTest {

  private final TestNode node;
  private final Api api;

  ThinSliceApiTest(TestNode node) {
    this.node = node;
    this.api = node.api();
  }

  @Test
  @DisplayName("a newcomer registers as a student, logs in and reads their own profile")
  void registerLoginMe() {
    String email = "Newcomer-" + UUID.randomUUID() + "@Example.com";
    Reply registered = api.post("/api/v1/auth/register",
        new JsonObject().put("email", email).put("password", "correct horse").put("displayName", "New Comer"), null);
    assertThat(registered.status()).isEqualTo(201);
    JsonObject user = registered.json();
    assertThat(user.getString("email")).isEqualTo(email.toLowerCase());
    assertThat(user.getString("role")).isEqualTo("student");
    assertThat(user.getString("displayName")).isEqualTo("New Comer");
    assertThat(user.containsKey("password")).isFalse();

    Reply login = api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", "correct horse"), null);
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getString("tokenType")).isEqualTo("Bearer");
    assertThat(login.json().getInteger("expiresIn")).isPositive();
    assertThat(login.json().getString("refreshToken")).hasSizeGreaterThan(30);

    Reply me = api.get("/api/v1/me", login.json().getString("accessToken"));
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json()).isEqualTo(user);
  }

  @Test
  @DisplayName("unknown email and wrong password get the same 401 problem")
  void badCredentialsLookTheSame() {
    String email = api.registerStudent("right-password");
    Reply wrongPassword = api.post("/api/v1/auth/login",
        new JsonObject().put("email", email).put("password", "wrong-password"), null);
    Reply unknownEmail = api.post("/api/v1/auth/login",
        new JsonObject().put("email", "nobody-" + UUID.randomUUID() + "@test.learngrid").put("password", "wrong-password"),
        null);
    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownEmail.status()).isEqualTo(401);
    assertThat(wrongPassword.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(wrongPassword.json().getString("detail")).isEqualTo(unknownEmail.json().getString("detail"));
  }

  @Test
  @DisplayName("a second registration with the same email (in any case) is a 409")
  void duplicateEmail() {
    String email = api.registerStudent("password-one");
    Reply again = api.post("/api/v1/auth/register",
        new JsonObject().put("email", email.toUpperCase()).put("password", "password-two").put("displayName", "Twin"), null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getInteger("status")).isEqualTo(409);
  }

  @Test
  @DisplayName("register rejects bad input with a 400 that names every wrong field")
  void registerValidation() {
    Reply reply = api.post("/api/v1/auth/register",
        new JsonObject().put("email", "not-an-email").put("password", "short").put("extra", 1), null);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    JsonArray errors = reply.json().getJsonArray("errors");
    assertThat(errors.stream().map(error -> ((JsonObject) error).getString("field")))
        .containsExactlyInAnyOrder("email", "password", "displayName", "extra");
  }

  @Test
  @DisplayName("malformed JSON, a JSON array and an empty body are 400s, never 500s")
  void malformedBodies() {
    assertThat(api.post("/api/v1/auth/login", "{\"email\":", null).status()).isEqualTo(400);
    assertThat(api.post("/api/v1/auth/login", "[1,2]", null).status()).isEqualTo(400);
    assertThat(api.post("/api/v1/auth/login", "", null).status()).isEqualTo(400);
    assertThat(api.post("/api/v1/auth/login", "{\"email\": 5, \"password\": true}", null).json()
        .getJsonArray("errors")).hasSize(2);
  }

  @Test
  @DisplayName("a body over the 64 KiB limit is a 413 problem")
  void bodyLimit() {
    String big = "x".repeat(70 * 1024);
    Reply reply = api.post("/api/v1/auth/register",
        new JsonObject().put("email", "big@test.learngrid").put("password", big).put("displayName", "Big"), null);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("a teacher creates a course and any user reads it; the second read comes from the cache")
  void courseCreateAndCachedRead() {
    String teacher = api.teacherToken();
    Reply created = api.post("/api/v1/courses",
        new JsonObject().put("title", "Fractions").put("subject", "math").put("description", "Halves and quarters"), teacher);
    assertThat(created.status()).isEqualTo(201);
    JsonObject course = created.json();
    assertThat(course.getString("id")).isNotBlank();
    assertThat(course.getString("teacherId")).isNotBlank();
    assertThat(course.getString("createdAt")).endsWith("Z");

    String student = api.login(api.registerStudent("student-password"), "student-password");
    double hitsBefore = cacheCount("hit");
    double missesBefore = cacheCount("miss");
    Reply first = api.get("/api/v1/courses/" + course.getString("id"), student);
    Reply second = api.get("/api/v1/courses/" + course.getString("id"), student);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json()).isEqualTo(course);
    assertThat(second.json()).isEqualTo(course);
    assertThat(cacheCount("miss")).isEqualTo(missesBefore + 1);
    assertThat(cacheCount("hit")).isEqualTo(hitsBefore + 1);
  }

  @Test
  @DisplayName("course routes answer 401 without a token, 403 for a student author, 404 for an unknown id, 400 for bad fields")
  void courseErrors() {
    String student = api.login(api.registerStudent("student-password"), "student-password");
    String teacher = api.teacherToken();
    JsonObject valid = new JsonObject().put("title", "T").put("subject", "s").put("description", "d");
    assertThat(api.post("/api/v1/courses", valid, null).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/courses", valid, "not-a-token").status()).isEqualTo(401);
    assertThat(api.post("/api/v1/courses", valid, student).status()).isEqualTo(403);
    assertThat(api.get("/api/v1/courses/" + UUID.randomUUID(), student).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/courses/not-a-uuid", student).status()).isEqualTo(404);
    Reply invalid = api.post("/api/v1/courses", new JsonObject().put("title", "").put("subject", 3), teacher);
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().getJsonArray("errors")).hasSize(2);
  }

  @Test
  @DisplayName("an AI chat is answered through the ai role and the simulator")
  void aiChat() {
    String student = api.login(api.registerStudent("student-password"), "student-password");
    Reply reply = api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "What is a fraction?"))), student);
    assertThat(reply.status()).isEqualTo(200);
    JsonObject body = reply.json();
    assertThat(body.getJsonObject("message").getString("role")).isEqualTo("assistant");
    assertThat(body.getJsonObject("message").getString("content")).isNotBlank();
    assertThat(body.getJsonObject("usage").getInteger("promptTokens")).isEqualTo(4);
    assertThat(body.getJsonObject("usage").getInteger("completionTokens")).isPositive();
    assertThat(body.getBoolean("cached")).isFalse();
  }

  @Test
  @DisplayName("AI chat rejects an empty message list, an unknown role and a missing token")
  void aiChatErrors() {
    String student = api.login(api.registerStudent("student-password"), "student-password");
    assertThat(api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()), student).status())
        .isEqualTo(400);
    Reply badRole = api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "wizard").put("content", "hi"))), student);
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("messages[0].role");
    assertThat(api.post("/api/v1/ai/chat", new JsonObject(), null).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("only admins create accounts with a role; a teacher gets 403")
  void adminCreatesUsers() {
    Reply asTeacher = api.post("/api/v1/admin/users", new JsonObject().put("email", "x@test.learngrid")
        .put("password", "password-x").put("displayName", "X").put("role", "admin"), api.teacherToken());
    assertThat(asTeacher.status()).isEqualTo(403);
    Reply badRole = api.post("/api/v1/admin/users", new JsonObject().put("email", "y@test.learngrid")
        .put("password", "password-y").put("displayName", "Y").put("role", "janitor"), api.adminToken());
    assertThat(badRole.status()).isEqualTo(400);
  }

  @Test
  @DisplayName("unknown paths are 404 and wrong methods 405, both as problem+json with a request id")
  void notFoundAndMethodNotAllowed() {
    Reply missing = api.get("/no/such/path", null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(missing.header("X-Request-Id")).isNotBlank();
    Reply wrongMethod = api.method("DELETE", "/health", null);
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().getInteger("status")).isEqualTo(405);
  }

  @Test
  @DisplayName("health, readiness, metrics and the contract are served")
  void operations() {
    assertThat(api.get("/health", null).json().getString("status")).isEqualTo("UP");
    Reply ready = api.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks")).isEqualTo(new JsonObject()
        .put("postgres", "UP").put("redis", "UP").put("cluster", "STANDALONE").put("ai", "UP"));
    String metrics = api.get("/metrics", null).body();
    assertThat(metrics).contains("vertx_http_server_requests_total", "vertx_pool_", "vertx_eventbus_",
        "vertx_http_server_response_time_seconds_bucket");
    Reply openApi = api.get("/openapi.yaml", null);
    assertThat(openApi.header("Content-Type")).startsWith("application/yaml");
    assertThat(openApi.body()).startsWith("openapi: 3.1.0").contains("/api/v1/courses/{courseId}:");
  }

  @Test
  @DisplayName("the admin from configuration exists and sees the (single-node) cluster")
  void adminSeesCluster() {
    Reply cluster = api.get("/api/v1/admin/cluster", api.adminToken());
    assertThat(cluster.status()).isEqualTo(200);
    JsonArray nodes = cluster.json().getJsonArray("nodes");
    assertThat(nodes).hasSize(1);
    assertThat(nodes.getJsonObject(0).getString("nodeId")).isEqualTo(cluster.json().getString("self"));
    assertThat(nodes.getJsonObject(0).getJsonArray("roles")).containsExactly("http", "persistence", "cache", "ai");
    assertThat(nodes.getJsonObject(0).getBoolean("ready")).isTrue();
    String student = api.login(api.registerStudent("student-password"), "student-password");
    assertThat(api.get("/api/v1/admin/cluster", student).status()).isEqualTo(403);
  }

  private double cacheCount(String result) {
    var counter = node.node().registry().find("learngrid.cache.requests").tag("kind", "course").tag("result", result)
        .counter();
    return counter == null ? 0 : counter.count();
  }
}
