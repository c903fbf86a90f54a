package io.learngrid.regrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PATCH of a question: validated like creation, versioned, and regraded from the answer events")
@LearngridNode
class QuestionEditTest {

  @CloseAfterAll
  private static final LearningFixture fixture = LearningFixture.open();
  private final Api api;

  QuestionEditTest(TestNode node) {
    this.api = node.api();
  }

  private record Setup(Account teacher, Account student, Assignment assignment) {}

  /** Questions: choice "A" (1 point), text "cell" (2), number 7 (4). */
  private static Setup setup() {
    Account teacher = fixture.teacher();
    Account student = fixture.student();
    String course = fixture.course(teacher.id());
    Assignment assignment = fixture.assignment(course, List.of(
        new QuestionSpec("choice", "A", 1), new QuestionSpec("text", "cell", 2), new QuestionSpec("number", 7, 4)));
    fixture.execute("UPDATE questions SET choices = '[\"A\", \"B\", \"C\"]'::jsonb WHERE id = $1",
        UUID.fromString(assignment.questionIds().get(0)));
    fixture.enroll(course, student.id());
    return new Setup(teacher, student, assignment);
  }

  private Reply answer(Setup s, int question, Object answer) {
    Reply reply = api.post("/api/v1/assignments/" + s.assignment().id() + "/answers",
        new JsonObject().put("questionId", s.assignment().questionIds().get(question)).put("answer", answer),
        s.student().token());
    assertThat(reply.status()).isEqualTo(202);
    return reply;
  }

  private Reply edit(Setup s, int question, JsonObject body, String token) {
    return api.patch("/api/v1/assignments/" + s.assignment().id() + "/questions/" + s.assignment().questionIds().get(question),
        body, token);
  }

  private JsonObject progressOf(Setup s) {
    JsonObject progress = api.get("/api/v1/me/progress", s.student().token()).json();
    for (Object course : progress.getJsonArray("courses")) {
      for (Object a : ((JsonObject) course).getJsonArray("assignments")) {
        if (((JsonObject) a).getString("assignmentId").equals(s.assignment().id())) {
          return (JsonObject) a;
        }
      }
    }
    return new JsonObject();
  }

  private JsonObject statsOf(Setup s, int question) {
    JsonObject stats = api.get("/api/v1/assignments/" + s.assignment().id() + "/stats", s.teacher().token()).json();
    for (Object q : stats.getJsonArray("questions")) {
      if (((JsonObject) q).getString("questionId").equals(s.assignment().questionIds().get(question))) {
        return (JsonObject) q;
      }
    }
    return new JsonObject();
  }

  private static long keyVersion(String questionId) {
    return fixture.number("SELECT key_version FROM questions WHERE id = $1", UUID.fromString(questionId));
  }

  @Test
  @DisplayName("a prompt-only edit changes the prompt, keeps the key version and regrades nothing")
  void promptEditDoesNotRegrade() throws Exception {
    Setup s = setup();
    answer(s, 1, "cell");
    Eventually.within(5, () -> progressOf(s).getInteger("correct", 0) == 1);
    Reply reply = edit(s, 1, new JsonObject().put("prompt", "What is the unit of life?"), s.teacher().token());
    assertThat(reply.status()).isEqualTo(200);
    JsonObject question = reply.json().getJsonArray("questions").getJsonObject(1);
    assertThat(question.getString("prompt")).isEqualTo("What is the unit of life?");
    assertThat(question.getString("answer")).isEqualTo("cell");
    assertThat(keyVersion(s.assignment().questionIds().get(1))).isEqualTo(1);
    assertThat(fixture.number("SELECT count(*) FROM regrades WHERE question_id = $1",
        UUID.fromString(s.assignment().questionIds().get(1)))).isZero();
    // The teacher's cached view is gone: a GET shows the new prompt at once.
    assertThat(api.get("/api/v1/assignments/" + s.assignment().id(), s.teacher().token()).json()
        .getJsonArray("questions").getJsonObject(1).getString("prompt")).isEqualTo("What is the unit of life?");
  }

  @Test
  @DisplayName("an answer edit flips earlier attempts right and wrong in progress and stats within 10 s, and is versioned")
  void answerEditRegradesEarlierAttempts() throws Exception {
    Setup s = setup();
    answer(s, 0, "A"); // right under the old key
    answer(s, 2, 8);   // wrong under the old key
    Eventually.within(5, () -> progressOf(s).getInteger("answered", 0) == 2);
    assertThat(progressOf(s).getInteger("correct")).isEqualTo(1);
    assertThat(progressOf(s).getInteger("points")).isEqualTo(1);

    Reply choice = edit(s, 0, new JsonObject().put("answer", "B"), s.teacher().token());
    assertThat(choice.status()).isEqualTo(200);
    assertThat(choice.json().getJsonArray("questions").getJsonObject(0).getString("answer")).isEqualTo("B");
    assertThat(edit(s, 2, new JsonObject().put("answer", 8), s.teacher().token()).status()).isEqualTo(200);

    Eventually.within(10, () -> {
      JsonObject p = progressOf(s);
      return p.getInteger("answered", 0) == 2 && p.getInteger("correct", -1) == 1 && p.getInteger("points", -1) == 4;
    });
    Eventually.within(10, () -> statsOf(s, 0).getInteger("correct", -1) == 0 && statsOf(s, 2).getInteger("correct", -1) == 1);
    assertThat(statsOf(s, 0).getInteger("attempts")).isEqualTo(1);

    String first = s.assignment().questionIds().get(0);
    assertThat(keyVersion(first)).isEqualTo(2);
    List<JsonObject> versions = fixture.rows(
        "SELECT version, answer #>> '{}' AS answer, points, changed_by::text AS by FROM question_versions WHERE question_id = $1",
        UUID.fromString(first));
    assertThat(versions).containsExactly(new JsonObject().put("version", 2).put("answer", "B").put("points", 1)
        .put("by", s.teacher().id()));
    assertThat(fixture.rows("SELECT correct, points_awarded, key_version FROM answer_events WHERE question_id = $1",
        UUID.fromString(first))).containsExactly(new JsonObject().put("correct", false).put("points_awarded", 0)
        .put("key_version", 2));
    // A new answer is graded with the new key at once.
    assertThat(answer(s, 0, "B").json().getBoolean("correct")).isTrue();
  }

  @Test
  @DisplayName("a points edit changes the points awarded and maxPoints")
  void pointsEditChangesPointsAndMaxPoints() throws Exception {
    Setup s = setup();
    answer(s, 2, 7);
    Eventually.within(5, () -> progressOf(s).getInteger("points", 0) == 4);
    Reply reply = edit(s, 2, new JsonObject().put("points", 10), s.teacher().token());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getJsonArray("questions").getJsonObject(2).getInteger("points")).isEqualTo(10);
    Eventually.within(10, () -> progressOf(s).getInteger("points", 0) == 10 && progressOf(s).getInteger("maxPoints", 0) == 13);
  }

  @Test
  @DisplayName("the edited question is checked like a new one: 400 with the field named")
  void invalidEditsAre400() {
    Setup s = setup();
    String owner = s.teacher().token();
    assertThat(edit(s, 0, new JsonObject().put("answer", "D"), owner).status()).isEqualTo(400);
    assertThat(edit(s, 0, new JsonObject().put("choices", new JsonArray().add("X").add("Y")), owner).status()).isEqualTo(400);
    assertThat(edit(s, 1, new JsonObject().put("choices", new JsonArray().add("X")), owner).status()).isEqualTo(400);
    assertThat(edit(s, 1, new JsonObject().put("answer", "   ".repeat(0)), owner).status()).isEqualTo(400);
    assertThat(edit(s, 2, new JsonObject().put("answer", "seven"), owner).status()).isEqualTo(400);
    assertThat(edit(s, 2, new JsonObject().put("points", -1), owner).status()).isEqualTo(400);
    assertThat(edit(s, 2, new JsonObject(), owner).status()).isEqualTo(400);
    Reply reply = edit(s, 0, new JsonObject().put("answer", "D"), owner);
    assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    assertThat(reply.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("answer");
    // Choices and answer together may move the answer into the new choices.
    assertThat(edit(s, 0, new JsonObject().put("choices", new JsonArray().add("X").add("Y")).put("answer", "Y"), owner)
        .status()).isEqualTo(200);
    assertThat(keyVersion(s.assignment().questionIds().get(2))).isEqualTo(1);
  }

  @Test
  @DisplayName("an assignment created through the API keeps version 1 of each key, and an edit adds version 2")
  void createdQuestionsStartAtVersionOne() {
    Account teacher = fixture.teacher();
    String course = fixture.course(teacher.id());
    JsonObject created = api.post("/api/v1/courses/" + course + "/assignments", new JsonObject().put("title", "Versions")
        .put("questions", new JsonArray().add(new JsonObject().put("prompt", "2+2").put("kind", "number")
            .put("answer", 4).put("points", 1))), teacher.token()).json();
    String assignmentId = created.getString("id");
    String questionId = created.getJsonArray("questions").getJsonObject(0).getString("id");
    assertThat(api.patch("/api/v1/assignments/" + assignmentId + "/questions/" + questionId,
        new JsonObject().put("answer", 5).put("points", 2), teacher.token()).status()).isEqualTo(200);
    assertThat(fixture.rows("SELECT version, answer #>> '{}' AS answer, points FROM question_versions "
        + "WHERE question_id = $1 ORDER BY version", UUID.fromString(questionId))).containsExactly(
        new JsonObject().put("version", 1).put("answer", "4").put("points", 1),
        new JsonObject().put("version", 2).put("answer", "5").put("points", 2));
  }

  @Test
  @DisplayName("other callers: an enrolled student 403, another teacher, another student and an admin 404, no token 401")
  void otherCallersAreRefused() {
    Setup s = setup();
    JsonObject body = new JsonObject().put("answer", "B");
    assertThat(edit(s, 0, body, s.student().token()).status()).isEqualTo(403);
    assertThat(edit(s, 0, body, fixture.teacher().token()).status()).isEqualTo(404);
    assertThat(edit(s, 0, body, fixture.student().token()).status()).isEqualTo(404);
    assertThat(edit(s, 0, body, fixture.admin().token()).status()).isEqualTo(404);
    assertThat(edit(s, 0, body, null).status()).isEqualTo(401);
    Reply unknown = api.patch("/api/v1/assignments/" + s.assignment().id() + "/questions/" + UUID.randomUUID(), body,
        s.teacher().token());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(keyVersion(s.assignment().questionIds().get(0))).isEqualTo(1);
  }

  @Test
  @DisplayName("a question with more stale attempts than one regrade pass takes is regraded to the last one")
  void regradesMoreAttemptsThanOnePass() throws Exception {
    Setup s = setup();
    UUID question = UUID.fromString(s.assignment().questionIds().get(2));
    answer(s, 2, 8);   // a real event, folded as usual: the scores row exists
    Eventually.within(5, () -> fixture.number("SELECT count(*) FROM question_scores WHERE question_id = $1", question) == 1);
    // 12,000 more wrong attempts of the key 7, as if folded long ago (the regrader reads the events, not the queue).
    fixture.execute("""
        INSERT INTO answer_events (event_id, submitted_at, student_id, course_id, assignment_id, question_id,
                                   answer, correct, points_awarded)
        SELECT gen_random_uuid(), now() - interval '1 minute', e.student_id, e.course_id, e.assignment_id,
               e.question_id, '8'::jsonb, false, 0
        FROM answer_events e, generate_series(1, 12000) WHERE e.question_id = $1""", question);
    assertThat(edit(s, 2, new JsonObject().put("answer", 8), s.teacher().token()).status()).isEqualTo(200);

    Eventually.within(10, () -> fixture.number(
        "SELECT count(*) FROM answer_events WHERE question_id = $1 AND key_version = 2 AND correct", question) == 12_001);
    Eventually.within(5, () -> fixture.number(
        "SELECT count(*) FROM regrades WHERE question_id = $1 AND done_at IS NULL", question) == 0);
    assertThat(fixture.number("SELECT count(*) FROM question_scores WHERE question_id = $1 AND correct AND best_points = 4",
        question)).isEqualTo(1);
  }
}
