package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI contract (openapi.yaml) drives request validation: whatever does not fit it is a 400
 * problem whose errors[] names each offending field, with short messages of our own.
 */
@DisplayName("Requests are validated against the OpenAPI contract")
@LearngridNode
class ContractValidationTest {

  private static Api api;
  private static Account teacher;
  private static String assignments;

  @BeforeAll
  static void course(Api client) {
    api = client;
    teacher = api.account("teacher");
    Reply course = api.post("/api/v1/courses", new JsonObject().put("title", "Contract").put("subject", "contract")
        .put("description", "validation"), teacher.token());
    assertThat(course.status()).isEqualTo(201);
    assignments = "/api/v1/courses/" + course.json().getString("id") + "/assignments";
  }

  private static JsonObject question(int i) {
    return new JsonObject().put("prompt", "What is " + i + " + 1?").put("kind", "number").put("answer", i + 1)
        .put("points", 1);
  }

  private static JsonObject assignment(int questions) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < questions; i++) {
      list.add(question(i));
    }
    return new JsonObject().put("title", "Sums").put("questions", list);
  }

  /** The 400 problem's errors[] as field → message, after checking the problem's shape. */
  private static Map<String, String> errors(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = reply.json();
    assertThat(problem.getString("type")).isEqualTo("https://learngrid.dev/problems/400");
    assertThat(problem.getInteger("status")).isEqualTo(400);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    // Nothing of the library's reaches the client: no schema pointers, no library sentences.
    assertThat(reply.body()).doesNotContain("#/", "$ref", "Instance", "schema", "Exception", "at io.");
    Map<String, String> errors = new LinkedHashMap<>();
    for (Object error : problem.getJsonArray("errors", new JsonArray())) {
      JsonObject entry = (JsonObject) error;
      assertThat(errors.put(entry.getString("field"), entry.getString("message")))
          .as("field named twice: " + entry.getString("field")).isNull();
    }
    return errors;
  }

  @Test
  @DisplayName("201 questions are too many; 200 are fine")
  void tooManyQuestions() {
    assertThat(errors(api.post(assignments, assignment(201), teacher.token())))
        .containsEntry("questions", "must have at most 200 items");
    assertThat(api.post(assignments, assignment(200), teacher.token()).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("wrong types are named field by field")
  void wrongTypes() {
    Map<String, String> errors = errors(api.post("/api/v1/courses", new JsonObject().put("title", 5)
        .put("subject", true).put("description", new JsonArray()), teacher.token()));
    assertThat(errors).containsExactly(Map.entry("title", "must be a string"), Map.entry("subject", "must be a string"),
        Map.entry("description", "must be a string"));
    Map<String, String> nested = errors(api.post(assignments, new JsonObject().put("title", "Types")
        .put("questions", new JsonArray().add(question(0).put("points", "ten")).add("not a question")
            .add(question(2).put("answer", true))), teacher.token()));
    assertThat(nested).containsEntry("questions[0].points", "must be a whole number")
        .containsEntry("questions[1]", "must be an object")
        .containsEntry("questions[2].answer", "must be a string or a number");
  }

  @Test
  @DisplayName("missing required fields are each 'is required'")
  void missingFields() {
    assertThat(errors(api.post("/api/v1/auth/register", new JsonObject(), null))).containsExactlyInAnyOrderEntriesOf(
        Map.of("email", "is required", "password", "is required", "displayName", "is required"));
    assertThat(errors(api.post(assignments, new JsonObject().put("title", "Choices").put("questions", new JsonArray()
        .add(new JsonObject().put("prompt", "Pick").put("kind", "choice").put("points", 1))), teacher.token())))
        .containsEntry("questions[0].choices", "is required")
        .containsEntry("questions[0].answer", "is required");
  }

  @Test
  @DisplayName("unknown enum values list the allowed ones")
  void unknownEnumValues() {
    assertThat(errors(api.post(assignments, assignment(1).put("questions", new JsonArray()
        .add(question(0).put("kind", "essay"))), teacher.token())))
        .containsEntry("questions[0].kind", "must be one of choice, text, number");
    assertThat(errors(api.post("/api/v1/admin/users", new JsonObject().put("email", "j@test.learngrid")
        .put("password", "password-j").put("displayName", "J").put("role", "janitor"), api.adminToken())))
        .containsExactly(Map.entry("role", "must be one of student, teacher, admin"));
    assertThat(errors(api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "wizard").put("content", "hi"))), teacher.token())))
        .containsExactly(Map.entry("messages[0].role", "must be one of system, user, assistant"));
  }

  @Test
  @DisplayName("unknown fields are refused, at the top and inside items")
  void unknownFields() {
    assertThat(errors(api.post("/api/v1/courses", new JsonObject().put("title", "T").put("subject", "s")
        .put("colour", "red"), teacher.token()))).containsExactly(Map.entry("colour", "is not a known field"));
    assertThat(errors(api.post(assignments, assignment(2).put("questions", new JsonArray().add(question(0))
        .add(question(1).put("hint", "add one"))), teacher.token())))
        .containsExactly(Map.entry("questions[1].hint", "is not a known field"));
    assertThat(errors(api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi").put("name", "ann"))), teacher.token())))
        .containsExactly(Map.entry("messages[0].name", "is not a known field"));
  }

  @Test
  @DisplayName("limits of lengths, numbers, formats and sizes come from the contract")
  void limits() {
    Map<String, String> errors = errors(api.post(assignments, new JsonObject().put("title", "").put("dueAt", "tomorrow")
        .put("questions", new JsonArray().add(question(0).put("points", 1001).put("answer", "x".repeat(2001)))),
        teacher.token()));
    assertThat(errors).containsEntry("title", "must not be empty")
        .containsEntry("dueAt", "must be an RFC 3339 date-time such as 2026-01-31T23:59:00Z")
        .containsEntry("questions[0].points", "must be at most 1000")
        .containsEntry("questions[0].answer", "must be at most 2000 characters long");
    assertThat(errors(api.post("/api/v1/auth/register", new JsonObject().put("email", "not-an-email")
        .put("password", "short").put("displayName", "x".repeat(101)), null)))
        .containsExactly(Map.entry("email", "must be an email address"),
            Map.entry("password", "must be at least 8 characters long"),
            Map.entry("displayName", "must be at most 100 characters long"));
    assertThat(errors(api.patch("/api/v1/courses/" + UUID.randomUUID(), new JsonObject(), teacher.token())))
        .containsExactly(Map.entry("body", "must have at least one of title, subject, description, status, enrollmentPolicy, rotateJoinCode"));
    JsonArray sixty = new JsonArray();
    for (int i = 0; i < 60; i++) {
      sixty.add(new JsonObject().put("role", "user").put("content", "hi"));
    }
    assertThat(errors(api.post("/api/v1/ai/chat", new JsonObject().put("messages", sixty), teacher.token())))
        .containsExactly(Map.entry("messages", "must have at most 50 items"));
  }

  @Test
  @DisplayName("an empty email is a 400 naming it, never a 500")
  void emptyEmail() {
    assertThat(errors(api.post("/api/v1/auth/register", new JsonObject().put("email", "").put("password", "password-1")
        .put("displayName", "E"), null))).containsOnlyKeys("email");
  }

  @Test
  @DisplayName("cross-field rules of the route are reported together with the contract's findings")
  void crossFieldRulesJoinTheContractErrors() {
    Map<String, String> errors = errors(api.post(assignments, new JsonObject().put("questions", new JsonArray()
        .add(new JsonObject().put("prompt", "Pick B").put("kind", "choice").put("choices", new JsonArray().add("A").add("B"))
            .put("answer", "C").put("points", 1))), teacher.token()));
    assertThat(errors).containsExactly(Map.entry("title", "is required"),
        Map.entry("questions[0].answer", "must be one of the choices"));
  }

  @Test
  @DisplayName("query parameters: limit=0, a non-number and a too-long cursor are all named at once")
  void queryParameters() {
    assertThat(errors(api.get("/api/v1/courses?limit=0", teacher.token())))
        .containsExactly(Map.entry("limit", "must be at least 1"));
    assertThat(errors(api.get("/api/v1/courses?limit=ten&cursor=" + "c".repeat(513) + "&subject=", teacher.token())))
        .containsExactly(Map.entry("subject", "must not be empty"), Map.entry("limit", "must be a whole number"),
            Map.entry("cursor", "must be at most 512 characters long"));
    assertThat(errors(api.get(assignments + "?limit=101", teacher.token())))
        .containsExactly(Map.entry("limit", "must be at most 100"));
    assertThat(api.get("/api/v1/courses?limit=5&subject=contract", teacher.token()).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a too-long Idempotency-Key is named together with the body's errors")
  void idempotencyKey() {
    Reply reply = api.post("/api/v1/courses", new JsonObject().put("title", "T"), teacher.token(), "k".repeat(256));
    assertThat(errors(reply)).containsExactly(Map.entry("Idempotency-Key", "must be at most 255 characters long"),
        Map.entry("subject", "is required"));
    // Any string up to 255 characters is a key, also one that looks like a number or holds % and +.
    for (String key : new String[] {"-5", "1.5", "{}", "a%2Fb+c " + UUID.randomUUID()}) {
      assertThat(api.post("/api/v1/courses", new JsonObject().put("title", "Key " + key).put("subject", "keys"),
          teacher.token(), key).status()).as(key).isEqualTo(201);
    }
  }

  @Test
  @DisplayName("a path id longer than the contract allows is a 400 naming it; an unknown one stays a 404")
  void pathParameters() {
    assertThat(errors(api.get("/api/v1/courses/" + "x".repeat(129), teacher.token())))
        .containsExactly(Map.entry("courseId", "must be at most 128 characters long"));
    assertThat(errors(api.post("/api/v1/courses/" + "x".repeat(129) + "/enrollments", new JsonObject(), teacher.token())))
        .containsExactly(Map.entry("courseId", "must be at most 128 characters long"));
    assertThat(api.get("/api/v1/courses/" + UUID.randomUUID(), teacher.token()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/assignments/not-an-id", teacher.token()).status()).isEqualTo(404);
    // Lengths are counted in characters (code points), not UTF-16 units: 128 emoji are 128 long.
    String emoji = URLEncoder.encode("\uD83D\uDE00", StandardCharsets.UTF_8);
    assertThat(api.get("/api/v1/courses/" + emoji.repeat(128), teacher.token()).status()).isEqualTo(404);
    assertThat(errors(api.get("/api/v1/courses/" + emoji.repeat(129), teacher.token())))
        .containsExactly(Map.entry("courseId", "must be at most 128 characters long"));
  }

  @Test
  @DisplayName("bodies that are not JSON objects: malformed, empty, an array, null, a string")
  void notJsonObjects() {
    Reply malformed = api.post("/api/v1/courses", "{\"title\":", teacher.token());
    assertThat(errors(malformed)).isEmpty();
    assertThat(malformed.json().getString("detail")).isEqualTo("the body is not valid JSON");
    assertThat(errors(api.post("/api/v1/courses", "", teacher.token()))).containsExactly(Map.entry("body", "is required"));
    for (String body : new String[] {"[1,2]", "null", "\"course\"", "42"}) {
      assertThat(errors(api.post("/api/v1/courses", body, teacher.token()))).as(body)
          .containsExactly(Map.entry("body", "must be a JSON object"));
    }
  }

  @Test
  @DisplayName("thousands of bad items are answered fast, with a bounded list of errors")
  void manyBadItems() {
    JsonArray empties = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      empties.add(new JsonObject());
    }
    String body = new JsonObject().put("title", "Flood").put("questions", empties).encode();
    assertThat(body.length()).isLessThan(64 * 1024);
    long start = System.nanoTime();
    Map<String, String> errors = errors(api.post(assignments, body, teacher.token()));
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    assertThat(errors).containsEntry("questions", "must have at most 200 items").hasSizeLessThanOrEqualTo(100);
  }

  @Test
  @DisplayName("a body of 10 MB is a 413 problem, not a validation")
  void hugeBody() {
    Reply reply = api.post("/api/v1/courses", "{\"title\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}", teacher.token());
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("valid requests pass on every checked operation")
  void validRequestsPass() {
    Account student = api.account("student");
    String course = api.post("/api/v1/courses", new JsonObject().put("title", "Valid").put("subject", "valid"),
        teacher.token(), "valid-" + UUID.randomUUID()).json().getString("id");
    assertThat(api.get("/api/v1/courses/" + course, student.token()).status()).isEqualTo(200);
    assertThat(api.patch("/api/v1/courses/" + course, new JsonObject().put("description", ""), teacher.token()).status())
        .isEqualTo(200);
    assertThat(api.post("/api/v1/courses/" + course + "/enrollments", new JsonObject().put("studentId", student.id()),
        teacher.token()).status()).isEqualTo(201);
    assertThat(api.get("/api/v1/courses/" + course + "/students?limit=100", teacher.token()).status()).isEqualTo(200);
    Reply created = api.post("/api/v1/courses/" + course + "/assignments", assignment(2).put("dueAt", null),
        teacher.token());
    assertThat(created.status()).isEqualTo(201);
    assertThat(api.get("/api/v1/courses/" + course + "/assignments?limit=1", student.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/assignments/" + created.json().getString("id"), student.token()).status())
        .isEqualTo(200);
    assertThat(api.get("/api/v1/me", student.token()).status()).isEqualTo(200);
    assertThat(api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi"))).put("stream", false), student.token()).status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("the served openapi.yaml is the file in the jar, byte for byte")
  void servedContractIsUnchanged() throws Exception {
    byte[] expected;
    try (InputStream in = ContractValidationTest.class.getResourceAsStream("/openapi.yaml")) {
      expected = in.readAllBytes();
    }
    Reply served = api.get("/openapi.yaml", null);
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.raw().body().getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);
  }
}
