package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route × every kind of caller, as one table. A resource the caller may not see is a 404
 * (never a 403 that would confirm it exists); a visible resource the caller may not change is 403.
 */
@DisplayName("Authorization matrix")
@LearngridNode
class AuthorizationMatrixTest {

  enum Actor { ANONYMOUS, ENROLLED_STUDENT, OTHER_STUDENT, OWNING_TEACHER, OTHER_TEACHER, ADMIN }

  private static final Actor[] ACTORS = Actor.values();
  private static Api api;
  private static final Map<Actor, Account> accounts = new EnumMap<>(Actor.class);
  private static String courseId;
  // Enrolling changes who may see what, so that route works on a course of its own.
  private static String enrollmentCourseId;
  private static String assignmentId;
  private static String questionId;
  // The download of an export the owning teacher made of courseId.
  private static String exportPath;

  /** One route: how to call it as an actor, and the status each actor must get, in {@link #ACTORS} order. */
  record Route(String name, Function<Actor, Reply> call, int... expected) {}

  @BeforeAll
  static void fixture(Api client) throws InterruptedException {
    api = client;
    for (Actor actor : ACTORS) {
      switch (actor) {
        case ANONYMOUS -> { }
        case ENROLLED_STUDENT, OTHER_STUDENT -> accounts.put(actor, api.account("student"));
        case OWNING_TEACHER, OTHER_TEACHER -> accounts.put(actor, api.account("teacher"));
        case ADMIN -> accounts.put(actor, api.account("admin"));
      }
    }
    courseId = api.post("/api/v1/courses", new JsonObject().put("title", "Matrix").put("subject", "matrix")
        .put("description", ""), token(Actor.OWNING_TEACHER)).json().getString("id");
    api.post("/api/v1/courses/" + courseId + "/enrollments",
        new JsonObject().put("studentId", accounts.get(Actor.ENROLLED_STUDENT).id()), token(Actor.OWNING_TEACHER));
    enrollmentCourseId = api.post("/api/v1/courses", new JsonObject().put("title", "Matrix enrollments")
        .put("subject", "matrix").put("description", ""), token(Actor.OWNING_TEACHER)).json().getString("id");
    api.post("/api/v1/courses/" + enrollmentCourseId + "/enrollments",
        new JsonObject().put("studentId", accounts.get(Actor.ENROLLED_STUDENT).id()), token(Actor.OWNING_TEACHER));
    JsonObject created = api.post("/api/v1/courses/" + courseId + "/assignments", assignment(), token(Actor.OWNING_TEACHER))
        .json();
    assignmentId = created.getString("id");
    questionId = created.getJsonArray("questions").getJsonObject(0).getString("id");
    String exportJob = api.post("/api/v1/courses/" + courseId + "/exports", new JsonObject().put("kind", "gradebook")
        .put("format", "csv"), token(Actor.OWNING_TEACHER)).json().getString("jobId");
    exportPath = java.net.URI.create(api.finishedJob(exportJob, token(Actor.OWNING_TEACHER)).getJsonObject("result")
        .getString("downloadUrl")).getPath();
  }

  private static String token(Actor actor) {
    return actor == Actor.ANONYMOUS ? null : accounts.get(actor).token();
  }

  private static JsonObject assignment() {
    return new JsonObject().put("title", "Matrix quiz").put("questions", new JsonArray().add(new JsonObject()
        .put("prompt", "2+2").put("kind", "number").put("answer", 4).put("points", 1)));
  }

  private static String studentIdFor(Actor actor) {
    // Students may only enroll themselves; everyone else enrolls a fresh student each time.
    return actor == Actor.ENROLLED_STUDENT || actor == Actor.OTHER_STUDENT
        ? accounts.get(actor).id() : api.account("student").id();
  }

  static List<Route> routes() {
    String course = "/api/v1/courses/";
    return List.of(
        //                                                                         anon enrolled other owner oteacher admin
        new Route("GET /me", a -> api.get("/api/v1/me", token(a)), 401, 200, 200, 200, 200, 200),
        new Route("POST /admin/users", a -> api.post("/api/v1/admin/users", new JsonObject()
            .put("email", "m-" + UUID.randomUUID() + "@test.learngrid").put("password", "password-1")
            .put("displayName", "M").put("role", "student"), token(a)), 401, 403, 403, 403, 403, 201),
        new Route("GET /admin/cluster", a -> api.get("/api/v1/admin/cluster", token(a)), 401, 403, 403, 403, 403, 200),
        new Route("GET /admin/health", a -> api.get("/api/v1/admin/health", token(a)), 401, 403, 403, 403, 403, 200),
        new Route("POST /courses", a -> api.post("/api/v1/courses", new JsonObject().put("title", "T")
            .put("subject", "s").put("description", ""), token(a)), 401, 403, 403, 201, 201, 201),
        new Route("GET /courses", a -> api.get("/api/v1/courses", token(a)), 401, 200, 200, 200, 200, 200),
        new Route("GET /courses/{id}", a -> api.get(course + courseId, token(a)), 401, 200, 200, 200, 200, 200),
        new Route("PATCH /courses/{id}", a -> api.patch(course + courseId, new JsonObject().put("description", "x"),
            token(a)), 401, 403, 403, 200, 403, 200),
        new Route("POST /courses/{id}/enrollments", a -> api.post(course + enrollmentCourseId + "/enrollments",
            new JsonObject().put("studentId", a == Actor.ANONYMOUS ? UUID.randomUUID().toString() : studentIdFor(a)),
            token(a)), 401, 200, 201, 201, 403, 201),
        new Route("GET /courses/{id}/students", a -> api.get(course + courseId + "/students", token(a)),
            401, 403, 403, 200, 403, 200),
        new Route("POST /courses/{id}/assignments", a -> api.post(course + courseId + "/assignments", assignment(),
            token(a)), 401, 403, 403, 201, 403, 403),
        new Route("POST /assignment-copies", a -> api.post("/api/v1/assignment-copies", assignment()
            .put("courseIds", new JsonArray().add(courseId)), token(a)), 401, 403, 403, 202, 403, 403),
        new Route("POST /courses/{id}/roster", a -> api.post(course + courseId + "/roster", new JsonObject()
            .put("students", new JsonArray().add(new JsonObject().put("email", "m-" + UUID.randomUUID() + "@test.learngrid")
                .put("displayName", "M"))), token(a)), 401, 403, 403, 202, 403, 403),
        new Route("GET /courses/{id}/assignments", a -> api.get(course + courseId + "/assignments", token(a)),
            401, 200, 403, 200, 403, 403),
        new Route("GET /assignments/{id}", a -> api.get("/api/v1/assignments/" + assignmentId, token(a)),
            401, 200, 404, 200, 404, 404),
        new Route("POST /assignments/{id}/answers", a -> api.post("/api/v1/assignments/" + assignmentId + "/answers",
            new JsonObject().put("questionId", questionId).put("answer", 4), token(a)), 401, 202, 404, 403, 403, 403),
        new Route("GET /assignments/{id}/stats", a -> api.get("/api/v1/assignments/" + assignmentId + "/stats", token(a)),
            401, 403, 404, 200, 404, 404),
        new Route("PATCH /assignments/{id}/questions/{id}", a -> api.patch("/api/v1/assignments/" + assignmentId
            + "/questions/" + questionId, new JsonObject().put("prompt", "2 + 2"), token(a)), 401, 403, 404, 200, 404, 404),
        new Route("GET /me/progress", a -> api.get("/api/v1/me/progress", token(a)), 401, 200, 200, 403, 403, 403),
        new Route("GET /courses/{id}/students/{id}/progress", a -> api.get(course + courseId + "/students/"
            + accounts.get(Actor.ENROLLED_STUDENT).id() + "/progress", token(a)), 401, 404, 404, 200, 404, 200),
        new Route("GET /courses/{id}/gradebook", a -> api.get(course + courseId + "/gradebook", token(a)),
            401, 403, 403, 200, 403, 200),
        new Route("GET /courses/{id}/events", a -> stream(course + courseId + "/events", token(a)),
            401, 403, 403, 200, 403, 200),
        new Route("POST /admin/webhooks", a -> api.post("/api/v1/admin/webhooks", webhook(), token(a)),
            401, 403, 403, 403, 403, 201),
        new Route("GET /admin/webhooks", a -> api.get("/api/v1/admin/webhooks", token(a)), 401, 403, 403, 403, 403, 200),
        new Route("DELETE /admin/webhooks/{id}", a -> api.method("DELETE", "/api/v1/admin/webhooks/" + api.post(
            "/api/v1/admin/webhooks", webhook(), token(Actor.ADMIN)).json().getString("id"), token(a)),
            401, 403, 403, 403, 403, 204),
        new Route("POST /courses/{id}/exports", a -> api.post(course + courseId + "/exports", new JsonObject()
            .put("kind", "answers").put("format", "csv"), token(a)), 401, 403, 403, 202, 403, 202),
        // Only the job's owner: to anyone else, an admin included, the file does not exist.
        new Route("GET /exports/{id}", a -> api.get(exportPath, token(a)), 401, 404, 404, 200, 404, 404),
        // Since v1.1 logout refuses the access token that made the call: each call logs in anew.
        new Route("POST /auth/logout", a -> api.post("/api/v1/auth/logout", new JsonObject().put("refreshToken",
            "not-a-token-of-anyone"), freshToken(a)), 401, 204, 204, 204, 204, 204),
        new Route("POST /ai/chat", a -> api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "hi"))), token(a)), 401, 200, 200, 200, 200, 200),
        // ---- v1.1 AI: the OpenAI-compatible surface (an access token here; API keys in ApiKeysTest) ----
        new Route("POST /v1/chat/completions", a -> api.post("/v1/chat/completions", new JsonObject()
            .put("model", "learngrid-sim").put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "hi"))), token(a)), 401, 200, 200, 200, 200, 200),
        new Route("GET /v1/models", a -> api.get("/v1/models", token(a)), 401, 200, 200, 200, 200, 200),
        new Route("POST /me/api-keys", a -> api.post("/api/v1/me/api-keys", new JsonObject().put("name", "matrix"),
            token(a)), 401, 403, 403, 201, 201, 201),
        new Route("GET /me/api-keys", a -> api.get("/api/v1/me/api-keys", token(a)), 401, 403, 403, 200, 200, 200),
        // Only the key's owner (the owning teacher): to anyone else, an admin included, it does not exist.
        new Route("DELETE /me/api-keys/{id}", a -> api.method("DELETE", "/api/v1/me/api-keys/" + api.post(
            "/api/v1/me/api-keys", new JsonObject().put("name", "matrix"), token(Actor.OWNING_TEACHER)).json()
            .getString("id"), token(a)), 401, 404, 404, 204, 404, 404),
        // ---- v1.1 assignments ----
        new Route("PATCH /assignments/{id}", a -> api.patch("/api/v1/assignments/" + assignmentId,
            new JsonObject().put("title", "Matrix quiz"), token(a)), 401, 403, 404, 200, 404, 404),
        new Route("DELETE /assignments/{id}", a -> api.method("DELETE", "/api/v1/assignments/" + api.post(
            course + courseId + "/assignments", assignment(), token(Actor.OWNING_TEACHER)).json().getString("id"),
            token(a)), 401, 403, 404, 204, 404, 404),
        new Route("GET /assignments/{id}/students/{id}/answers", a -> api.get("/api/v1/assignments/" + assignmentId
            + "/students/" + accounts.get(Actor.ENROLLED_STUDENT).id() + "/answers", token(a)), 401, 403, 404, 200, 404, 404),
        // ---- v1.1 accounts ----
        new Route("PATCH /me", a -> api.patch("/api/v1/me", new JsonObject().put("displayName", "Matrix " + a),
            token(a)), 401, 200, 200, 200, 200, 200),
        // A password change refuses the caller's tokens: each call is a fresh account of the actor's role.
        new Route("POST /me/password", a -> api.post("/api/v1/me/password", new JsonObject()
            .put("currentPassword", "account-password").put("newPassword", "changed-password"),
            a == Actor.ANONYMOUS ? null : api.account(roleOf(a)).token()), 401, 204, 204, 204, 204, 204),
        new Route("POST /auth/password-reset", a -> api.post("/api/v1/auth/password-reset", new JsonObject()
            .put("email", a == Actor.ANONYMOUS ? "nobody@test.learngrid" : accounts.get(a).email()), token(a)),
            202, 202, 202, 202, 202, 202),
        new Route("POST /auth/password-reset/confirm", a -> api.post("/api/v1/auth/password-reset/confirm",
            new JsonObject().put("token", "not-a-reset-token").put("newPassword", "changed-password"), token(a)),
            400, 400, 400, 400, 400, 400),
        // Dev node only (DevMailTest): this node, like every production one, has no such route.
        new Route("GET /dev/mail", a -> api.get("/dev/mail", token(a)), 404, 404, 404, 404, 404, 404),
        new Route("GET /admin/users", a -> api.get("/api/v1/admin/users?q=student", token(a)),
            401, 403, 403, 403, 403, 200),
        new Route("PATCH /admin/users/{id}", a -> api.patch("/api/v1/admin/users/" + api.account("student").id(),
            new JsonObject().put("displayName", "Renamed"), token(a)), 401, 403, 403, 403, 403, 200),
        new Route("DELETE /admin/users/{id}", a -> api.method("DELETE", "/api/v1/admin/users/"
            + api.account("student").id(), token(a)), 401, 403, 403, 403, 403, 204),
        // ---- v1.1 AI ----
        new Route("GET /admin/ai/usage", a -> api.get("/api/v1/admin/ai/usage?from=2026-01-01&to=2026-01-31&groupBy=day",
            token(a)), 401, 403, 403, 403, 403, 200),
        // ---- v1.1 courses and enrollment ----
        new Route("GET /me/courses", a -> api.get("/api/v1/me/courses", token(a)), 401, 200, 200, 200, 200, 200),
        // Deleting and unenrolling change what exists: each call works on a fresh course.
        new Route("DELETE /courses/{id}", a -> api.method("DELETE", course + freshCourse(), token(a)),
            401, 403, 403, 204, 403, 204),
        new Route("DELETE /courses/{id}/enrollments/{id}", a -> api.method("DELETE", course + freshCourse()
            + "/enrollments/" + accounts.get(Actor.ENROLLED_STUDENT).id(), token(a)), 401, 204, 403, 204, 403, 204),
        // ---- the web app: the same page for everyone; what it shows comes through the routes above ----
        new Route("GET /", a -> api.get("/", token(a)), 302, 302, 302, 302, 302, 302),
        new Route("GET /app/", a -> api.get("/app/", token(a)), 200, 200, 200, 200, 200, 200));
  }

  /** A course of the owning teacher with the enrolled student in it. */
  private static String freshCourse() {
    String id = api.post("/api/v1/courses", new JsonObject().put("title", "Matrix fresh").put("subject", "matrix")
        .put("description", ""), token(Actor.OWNING_TEACHER)).json().getString("id");
    api.post("/api/v1/courses/" + id + "/enrollments",
        new JsonObject().put("studentId", accounts.get(Actor.ENROLLED_STUDENT).id()), token(Actor.OWNING_TEACHER));
    return id;
  }

  /** A webhook no one listens at, for an event no route here makes; {@link #removeWebhooks} deletes them. */
  private static JsonObject webhook() {
    return new JsonObject().put("url", "http://127.0.0.1:9/matrix-hook").put("events", new JsonArray().add("progress.updated"));
  }

  @AfterAll
  static void removeWebhooks() {
    String admin = token(Actor.ADMIN);
    for (Object item : api.get("/api/v1/admin/webhooks", admin).json().getJsonArray("items")) {
      JsonObject webhook = (JsonObject) item;
      if (webhook.getString("url").endsWith("/matrix-hook")) {
        api.method("DELETE", "/api/v1/admin/webhooks/" + webhook.getString("id"), admin);
      }
    }
  }

  /** An event stream's reply: a 200 is closed at once (its body never ends), a refusal read as usual. */
  private static Reply stream(String path, String token) {
    try (Sse sse = Sse.get(api.base(), path, token, Map.of())) {
      if (sse.status() == 200) {
        return new Reply(200, null);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return api.get(path, token);
  }

  private static String freshToken(Actor actor) {
    return actor == Actor.ANONYMOUS ? null : api.login(accounts.get(actor).email(), "account-password");
  }

  private static String roleOf(Actor actor) {
    return switch (actor) {
      case ENROLLED_STUDENT, OTHER_STUDENT -> "student";
      case OWNING_TEACHER, OTHER_TEACHER -> "teacher";
      default -> "admin";
    };
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Route route : routes()) {
      for (int i = 0; i < ACTORS.length; i++) {
        cases.add(Arguments.of(route.name(), ACTORS[i], route, route.expected()[i]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} as {1} → {3}")
  @MethodSource("cases")
  void callerGetsTheExpectedStatus(String name, Actor actor, Route route, int expected) {
    Reply reply = route.call().apply(actor);
    assertThat(reply.status()).as(name + " as " + actor + ": " + (reply.raw() == null ? "(a stream)" : reply.body()))
        .isEqualTo(expected);
    if (expected >= 400) {
      // The OpenAI-compatible surface answers in OpenAI's error shape, everything else in problem+json.
      assertThat(reply.header("Content-Type")).isEqualTo(name.contains(" /v1/") ? "application/json"
          : "application/problem+json");
    }
  }
}
