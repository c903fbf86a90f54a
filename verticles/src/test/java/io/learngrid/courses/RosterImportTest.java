package io.learngrid.courses;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.DevMail;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.Mailbox;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Roster imports over real HTTP, PostgreSQL and SMTP (GreenMail on a free port): what a CSV or
 * JSON class list creates, what a re-run does, what is refused at the edge, and the set-password
 * email that a new student signs in with.
 */
@DisplayName("A roster import (POST /courses/{id}/roster)")
@LearngridNode
class RosterImportTest {

  private static final int SMTP_PORT = TestServices.freePort();
  private static NodeSettings settings;
  private static DevMail smtp;
  private final Api api;

  RosterImportTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    Mailbox.forgetQueuedEmails();
    smtp = DevMail.start(SMTP_PORT);
    settings = NodeSettings.defaults().smtpUrl("smtp://127.0.0.1:" + SMTP_PORT).publicUrl("https://school.example")
        .emailPollMillis(100);
  }

  @AfterAll
  static void stop() {
    if (smtp != null) {
      smtp.close();
    }
  }

  private String course(Account teacher) {
    return api.post("/api/v1/courses", new JsonObject().put("title", "Year 9 \"Biology\"").put("subject", "roster")
        .put("description", ""), teacher.token()).json().getString("id");
  }

  private Reply upload(String courseId, String contentType, byte[] body, String token, String idempotencyKey) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/courses/" + courseId + "/roster"))
        .header("Content-Type", contentType).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Reply csv(String courseId, String text, String token) {
    return upload(courseId, "text/csv", text.getBytes(java.nio.charset.StandardCharsets.UTF_8), token, null);
  }

  private JsonObject imported(Reply accepted, Account teacher) throws InterruptedException {
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonObject job = api.finishedJob(accepted.json().getString("jobId"), teacher.token());
    assertThat(job.getString("kind")).isEqualTo("roster");
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
    return job.getJsonObject("result");
  }

  @Test
  @DisplayName("a spreadsheet's CSV (BOM, CRLF, quotes, header in any case) creates, enrolls and reports each refused row by line")
  void csvCreatesEnrollsAndReportsRows() throws InterruptedException {
    Account teacher = api.account("teacher");
    String courseId = course(teacher);
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String existing = api.registerStudent("student-password");
    Account enrolled = api.account("student");
    api.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", enrolled.id()), teacher.token());
    Account otherTeacher = api.account("teacher");
    String ada = "Ada.Lovelace-" + tag + "@School.Example";
    String grace = "grace-" + tag + "@school.example";
    String text = "\uFEFFEMAIL,DisplayName,class\r\n"
        + ada + ",\"Lovelace, Ada\",9B\r\n"
        + grace + ",\"Grace \"\"Amazing\"\" Hopper\",9B\r\n"
        + "not-an-email,Nobody,9B\r\n"
        + "\r\n"
        + existing + ",Existing Student,9B\r\n"
        + enrolled.email() + ",Already Enrolled,9B\r\n"
        + otherTeacher.email() + ",A Teacher,9B\r\n"
        + grace.toUpperCase() + ",Grace Again,9B\r\n"
        + "nameless-" + tag + "@school.example,,9B\r\n";

    JsonObject result = imported(csv(courseId, text, teacher.token()), teacher);

    assertThat(result.getInteger("created")).as(result.encode()).isEqualTo(2);
    assertThat(result.getInteger("enrolled")).isEqualTo(3);
    assertThat(result.getInteger("alreadyEnrolled")).isEqualTo(1);
    assertThat(result.getJsonArray("errors")).containsExactly(
        new JsonObject().put("line", 4).put("message", "email is not an email address"),
        new JsonObject().put("line", 8).put("message", "the account of this email is not a student's"),
        new JsonObject().put("line", 9).put("message", "the email is on line 3 already"),
        new JsonObject().put("line", 10).put("message", "displayName is missing"));
    assertThat(Database.value("SELECT display_name FROM users WHERE email = ?", ada.toLowerCase()))
        .isEqualTo("Lovelace, Ada");
    assertThat(Database.value("SELECT display_name FROM users WHERE email = ?", grace))
        .isEqualTo("Grace \"Amazing\" Hopper");
    assertThat(Database.value("SELECT count(*) FROM enrollments WHERE course_id = ?::uuid", courseId)).isEqualTo(4L);
    JsonArray students = api.get("/api/v1/courses/" + courseId + "/students", teacher.token()).json().getJsonArray("items");
    assertThat(students.stream().map(s -> ((JsonObject) s).getString("email")).toList())
        .containsExactlyInAnyOrder(ada.toLowerCase(), grace, existing, enrolled.email());
  }

  @Test
  @DisplayName("a created student gets one set-password email (7 days), cannot sign in before, and signs in with the password it sets")
  void createdStudentSetsAPasswordFromTheEmail() throws InterruptedException {
    Account teacher = api.account("teacher");
    String courseId = course(teacher);
    String email = "new-" + UUID.randomUUID() + "@school.example";

    imported(csv(courseId, "email,displayName\n" + email + ",New Student\n", teacher.token()), teacher);

    Eventually.within(20, () -> Mailbox.to(smtp, email).size() == 1);
    JsonObject mail = Mailbox.to(smtp, email).getFirst();
    assertThat(mail.getString("subject")).isEqualTo("Your learngrid account is ready: choose a password");
    assertThat(mail.getString("text")).contains("enrolled in \"Year 9 \"Biology\"\"").contains("https://school.example/app/#/reset?token=");
    assertThat(Database.value("SELECT expires_at > now() + interval '6 days 23 hours' FROM password_reset_tokens t"
        + " JOIN users u ON u.id = t.user_id WHERE u.email = ?", email)).isEqualTo(true);
    Reply before = api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", "anything-at-all"), null);
    assertThat(before.status()).as(before.body()).isEqualTo(401);

    Reply confirmed = api.post("/api/v1/auth/password-reset/confirm",
        new JsonObject().put("token", Mailbox.token(mail)).put("newPassword", "my-own-password"), null);

    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(204);
    String token = api.login(email, "my-own-password");
    assertThat(api.get("/api/v1/me/courses", token).json().getJsonArray("items").getJsonObject(0).getString("id"))
        .isEqualTo(courseId);
  }

  @Test
  @DisplayName("running the same roster again creates and enrolls nobody twice; the same Idempotency-Key answers the same job")
  void reRunIsSafeAndIdempotencyKeyReplays() throws InterruptedException {
    Account teacher = api.account("teacher");
    String courseId = course(teacher);
    JsonArray rows = new JsonArray();
    for (int i = 0; i < 30; i++) {
      rows.add(new JsonObject().put("email", "pupil-" + i + "-" + courseId + "@school.example").put("displayName", "Pupil " + i));
    }
    JsonObject body = new JsonObject().put("students", rows);
    String key = UUID.randomUUID().toString();

    Reply first = api.post("/api/v1/courses/" + courseId + "/roster", body, teacher.token(), key);
    Reply replayed = api.post("/api/v1/courses/" + courseId + "/roster", body, teacher.token(), key);
    JsonObject once = imported(first, teacher);
    JsonObject again = imported(api.post("/api/v1/courses/" + courseId + "/roster", body, teacher.token()), teacher);

    assertThat(replayed.status()).isEqualTo(202);
    assertThat(replayed.json().getString("jobId")).isEqualTo(first.json().getString("jobId"));
    assertThat(once.getInteger("created")).isEqualTo(30);
    assertThat(once.getInteger("enrolled")).isEqualTo(30);
    assertThat(again.getInteger("created")).isZero();
    assertThat(again.getInteger("enrolled")).isZero();
    assertThat(again.getInteger("alreadyEnrolled")).isEqualTo(30);
    assertThat(Database.value("SELECT count(*) FROM users WHERE email LIKE ?", "pupil-%-" + courseId + "@school.example"))
        .isEqualTo(30L);
    assertThat(Database.value("SELECT count(*) FROM enrollments WHERE course_id = ?::uuid", courseId)).isEqualTo(30L);
  }

  @Test
  @DisplayName("JSON rows are checked row by row like CSV ones, numbered by their index plus 1")
  void jsonRowsAreCheckedRowByRow() throws InterruptedException {
    Account teacher = api.account("teacher");
    String courseId = course(teacher);
    JsonObject body = new JsonObject().put("students", new JsonArray()
        .add(new JsonObject().put("email", "json-" + UUID.randomUUID() + "@school.example").put("displayName", "Fine"))
        .add(new JsonObject().put("email", "x@y").put("displayName", "Bad Email"))
        .add(new JsonObject().put("email", "long-" + UUID.randomUUID() + "@school.example").put("displayName", "n".repeat(101))));

    JsonObject result = imported(api.post("/api/v1/courses/" + courseId + "/roster", body, teacher.token()), teacher);

    assertThat(result.getInteger("created")).isEqualTo(1);
    assertThat(result.getJsonArray("errors")).containsExactly(
        new JsonObject().put("line", 2).put("message", "email is not an email address"),
        new JsonObject().put("line", 3).put("message", "displayName is longer than 100 characters"));
  }

  @Test
  @DisplayName("an upload that cannot be read is a 400, another type a 415, another's course a 403; no job is queued for them")
  void unreadableUploadsAreRefused() {
    Account teacher = api.account("teacher");
    String courseId = course(teacher);
    StringBuilder tooMany = new StringBuilder("email,displayName\n");
    for (int i = 0; i <= 5_000; i++) {
      tooMany.append("p").append(i).append("@school.example,P\n");
    }
    Map<String, Reply> replies = Map.of(
        "no displayName column", csv(courseId, "email,name\na@school.example,A\n", teacher.token()),
        "unclosed quote", csv(courseId, "email,displayName\na@school.example,\"A\n", teacher.token()),
        "not UTF-8", upload(courseId, "text/csv", new byte[] {'e', 'm', 'a', 'i', 'l', ',', 'd', 'i', 's', 'p', 'l', 'a',
            'y', 'N', 'a', 'm', 'e', '\n', 'a', '@', 'b', '.', 'c', ',', (byte) 0xC3, '(', '\n'}, teacher.token(), null),
        "header only", csv(courseId, "email,displayName\n", teacher.token()),
        "5,001 rows", csv(courseId, tooMany.toString(), teacher.token()),
        "JSON without students", api.post("/api/v1/courses/" + courseId + "/roster", new JsonObject(), teacher.token()));
    replies.forEach((what, reply) -> {
      assertThat(reply.status()).as(what + ": " + reply.body()).isEqualTo(400);
      assertThat(reply.header("Content-Type")).as(what).startsWith("application/problem+json");
    });
    assertThat(replies.get("5,001 rows").json().getString("detail")).isEqualTo("a roster has at most 5000 rows");

    Reply plain = upload(courseId, "text/plain", "email,displayName\n".getBytes(), teacher.token(), null);
    assertThat(plain.status()).as(plain.body()).isEqualTo(415);
    Reply stranger = csv(courseId, "email,displayName\na@school.example,A\n", api.account("teacher").token());
    assertThat(stranger.status()).as(stranger.body()).isEqualTo(403);
    assertThat(Database.value("SELECT count(*) FROM jobs WHERE kind = 'roster' AND input->>'courseId' = ?", courseId))
        .isEqualTo(0L);
  }

}
