package io.learngrid.assignments;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Assignment lifecycle (v1.1): drafts, due and lock dates, late answers, deletion, the teacher's view of attempts")
@LearngridNode
class AssignmentLifecycleTest {

  private final Api api;

  AssignmentLifecycleTest(Api api) {
    this.api = api;
  }

  /** A course of {@code teacher} with {@code student} enrolled, and one assignment of two questions (7 → 2 points, "cell" → 3). */
  private record Setup(Account teacher, Account student, String courseId, String assignmentId, List<String> questionIds) {}

  private Setup setup() {
    Account teacher = api.account("teacher");
    Account student = api.account("student");
    String courseId = api.post("/api/v1/courses", new JsonObject().put("title", "Term").put("subject", "lifecycle")
        .put("description", ""), teacher.token()).json().getString("id");
    assertThat(api.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", student.id()),
        teacher.token()).status()).isEqualTo(201);
    JsonObject created = api.post("/api/v1/courses/" + courseId + "/assignments", new JsonObject().put("title", "Quiz")
        .put("questions", new JsonArray()
            .add(new JsonObject().put("prompt", "3+4").put("kind", "number").put("answer", 7).put("points", 2))
            .add(new JsonObject().put("prompt", "unit of life").put("kind", "text").put("answer", "cell").put("points", 3))),
        teacher.token()).json();
    List<String> questions = new ArrayList<>();
    created.getJsonArray("questions").forEach(q -> questions.add(((JsonObject) q).getString("id")));
    assertThat(created.getString("status")).isEqualTo("published");
    assertThat(created.getValue("lockAt")).isNull();
    return new Setup(teacher, student, courseId, created.getString("id"), questions);
  }

  private Reply patch(Setup s, JsonObject body) {
    return api.patch("/api/v1/assignments/" + s.assignmentId(), body, s.teacher().token());
  }

  private Reply answer(Setup s, int question, Object answer) {
    return api.post("/api/v1/assignments/" + s.assignmentId() + "/answers",
        new JsonObject().put("questionId", s.questionIds().get(question)).put("answer", answer), s.student().token());
  }

  private static void assertProblem(Reply reply, int status) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  private JsonObject progressOf(Setup s) {
    for (Object course : api.get("/api/v1/me/progress", s.student().token()).json().getJsonArray("courses")) {
      if (((JsonObject) course).getString("courseId").equals(s.courseId())) {
        return (JsonObject) course;
      }
    }
    return null;
  }

  @Test
  @DisplayName("PATCH changes title and dates, a null clears a date, lockAt before dueAt is 400")
  void patchesTitleAndDates() {
    Setup s = setup();
    Reply patched = patch(s, new JsonObject().put("title", "Quiz 1").put("dueAt", "2030-01-01T10:00:00Z")
        .put("lockAt", "2030-01-02T10:00:00Z"));
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().getString("title")).isEqualTo("Quiz 1");
    assertThat(Instant.parse(patched.json().getString("dueAt"))).isEqualTo(Instant.parse("2030-01-01T10:00:00Z"));
    assertThat(Instant.parse(patched.json().getString("lockAt"))).isEqualTo(Instant.parse("2030-01-02T10:00:00Z"));
    assertThat(patched.json().getJsonArray("questions").getJsonObject(0).getValue("answer")).isEqualTo(7);

    assertProblem(patch(s, new JsonObject().put("lockAt", "2029-12-31T10:00:00Z")), 400);
    assertProblem(patch(s, new JsonObject().put("status", "hidden")), 400);
    assertProblem(patch(s, new JsonObject()), 400);
    JsonObject cleared = patch(s, new JsonObject().putNull("lockAt")).json();
    assertThat(cleared.getValue("lockAt")).isNull();
    assertThat(cleared.getString("dueAt")).isNotNull();
    JsonObject read = api.get("/api/v1/assignments/" + s.assignmentId(), s.student().token()).json();
    assertThat(read.getString("title")).as("the cached assignment was replaced").isEqualTo("Quiz 1");
    assertThat(read.getValue("lockAt")).isNull();
  }

  @Test
  @DisplayName("a draft is 404 to its students (read, list, answers), counts nowhere in their progress, and comes back when published")
  void draftIsInvisibleToStudents() {
    Setup s = setup();
    assertThat(answer(s, 0, 7).status()).isEqualTo(202);   // caches the question on the answer path
    assertThat(api.get("/api/v1/assignments/" + s.assignmentId(), s.student().token()).status()).isEqualTo(200);
    assertThat(patch(s, new JsonObject().put("status", "draft")).json().getString("status")).isEqualTo("draft");

    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId(), s.student().token()), 404);
    assertProblem(answer(s, 1, "cell"), 404);
    assertThat(api.get("/api/v1/courses/" + s.courseId() + "/assignments", s.student().token()).json()
        .getJsonArray("items")).isEmpty();
    assertThat(api.get("/api/v1/courses/" + s.courseId() + "/assignments", s.teacher().token()).json()
        .getJsonArray("items").getJsonObject(0).getString("status")).isEqualTo("draft");
    assertThat(progressOf(s).getJsonArray("assignments")).isEmpty();
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId() + "/stats", s.student().token()), 404);

    patch(s, new JsonObject().put("status", "published"));
    assertThat(api.get("/api/v1/assignments/" + s.assignmentId(), s.student().token()).status()).isEqualTo(200);
    assertThat(answer(s, 1, "cell").status()).isEqualTo(202);
  }

  @Test
  @DisplayName("after dueAt an answer is accepted with late true; after lockAt it is 409; the teacher sees each attempt")
  void lateAndLocked() throws Exception {
    Setup s = setup();
    Reply onTime = answer(s, 0, 8);
    assertThat(onTime.json().getBoolean("late")).isFalse();
    String past = Instant.now().minus(1, ChronoUnit.HOURS).toString();
    assertThat(patch(s, new JsonObject().put("dueAt", past)).status()).isEqualTo(200);
    Reply late = answer(s, 0, 7);
    assertThat(late.status()).isEqualTo(202);
    assertThat(late.json().getBoolean("late")).isTrue();
    assertThat(late.json().getBoolean("correct")).isTrue();

    assertThat(patch(s, new JsonObject().put("lockAt", Instant.now().minus(1, ChronoUnit.MINUTES).toString())).status())
        .isEqualTo(200);
    assertProblem(answer(s, 1, "cell"), 409);

    JsonObject page = api.get("/api/v1/assignments/" + s.assignmentId() + "/students/" + s.student().id()
        + "/answers?limit=1", s.teacher().token()).json();
    assertThat(page.getJsonArray("items")).hasSize(1);
    JsonObject newest = page.getJsonArray("items").getJsonObject(0);
    assertThat(newest.getString("eventId")).isEqualTo(late.json().getString("eventId"));
    assertThat(newest.getValue("answer")).isEqualTo(7);
    assertThat(newest.getBoolean("late")).isTrue();
    assertThat(newest.getInteger("pointsAwarded")).isEqualTo(2);
    JsonObject next = api.get("/api/v1/assignments/" + s.assignmentId() + "/students/" + s.student().id()
        + "/answers?limit=1&cursor=" + page.getString("nextCursor"), s.teacher().token()).json();
    assertThat(next.getJsonArray("items").getJsonObject(0).getString("eventId")).isEqualTo(onTime.json().getString("eventId"));
    assertThat(next.getJsonArray("items").getJsonObject(0).getBoolean("late")).isFalse();
    assertThat(next.getValue("nextCursor")).isNull();

    Eventually.within(5, () -> {
      JsonObject row = api.get("/api/v1/courses/" + s.courseId() + "/gradebook", s.teacher().token()).json()
          .getJsonArray("items").getJsonObject(0).getJsonArray("assignments").getJsonObject(0);
      return row.getInteger("points") == 2 && row.getBoolean("late");
    });
  }

  @Test
  @DisplayName("a deleted assignment is 404 everywhere and its scores leave progress, stats and the gradebook")
  void deletionRemovesScores() throws Exception {
    Setup s = setup();
    assertThat(answer(s, 0, 7).status()).isEqualTo(202);
    Eventually.within(5, () -> {
      JsonObject course = progressOf(s);
      return course != null && course.getJsonArray("assignments").size() == 1
          && course.getJsonArray("assignments").getJsonObject(0).getInteger("points") == 2;
    });
    assertThat(api.get("/api/v1/assignments/" + s.assignmentId(), s.student().token()).status()).isEqualTo(200);

    Reply deleted = api.method("DELETE", "/api/v1/assignments/" + s.assignmentId(), s.teacher().token());
    assertThat(deleted.status()).isEqualTo(204);
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId(), s.student().token()), 404);
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId(), s.teacher().token()), 404);
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId() + "/stats", s.teacher().token()), 404);
    assertProblem(answer(s, 1, "cell"), 404);
    assertProblem(api.method("DELETE", "/api/v1/assignments/" + s.assignmentId(), s.teacher().token()), 404);
    assertThat(progressOf(s).getJsonArray("assignments")).isEmpty();
    assertThat(api.get("/api/v1/courses/" + s.courseId() + "/assignments", s.teacher().token()).json()
        .getJsonArray("items")).isEmpty();
    assertThat(api.get("/api/v1/courses/" + s.courseId() + "/gradebook", s.teacher().token()).json()
        .getJsonArray("items").getJsonObject(0).getJsonArray("assignments")).isEmpty();
  }

  @Test
  @DisplayName("stats: 403 for a student of the course, 404 for others; the teacher's view is the teacher's alone")
  void whoSeesWhat() {
    Setup s = setup();
    Account outsider = api.account("student");
    Account otherTeacher = api.account("teacher");
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId() + "/stats", s.student().token()), 403);
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId() + "/stats", outsider.token()), 404);
    assertProblem(api.patch("/api/v1/assignments/" + s.assignmentId(), new JsonObject().put("title", "x"),
        s.student().token()), 403);
    assertProblem(api.patch("/api/v1/assignments/" + s.assignmentId(), new JsonObject().put("title", "x"),
        otherTeacher.token()), 404);
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId() + "/students/" + s.student().id() + "/answers",
        otherTeacher.token()), 404);
    assertProblem(api.get("/api/v1/assignments/" + s.assignmentId() + "/students/" + s.student().id()
        + "/answers?cursor=forged", s.teacher().token()), 400);
  }
}
