package io.learngrid.answers;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Answer submission: graded at once, stored durably before the 202, idempotent with a key")
@LearngridNode
class AnswerSubmissionTest {

  /** A node of its own: the batch-size summary must hold this class's answers alone. */
  private static final NodeSettings settings = NodeSettings.defaults();
  private static TestNode node;
  private static Api api;
  @CloseAfterAll
  private static LearningFixture fixture;
  private static Account teacher;
  private static Account student;
  private static Assignment quiz;

  @BeforeAll
  static void start(TestNode started) {
    node = started;
    api = node.api();
    fixture = LearningFixture.open();
    teacher = fixture.teacher();
    student = fixture.student();
    String course = fixture.course(teacher.id());
    fixture.enroll(course, student.id());
    quiz = fixture.assignment(course, List.of(
        new QuestionSpec("choice", "Paris", 2),
        new QuestionSpec("text", "Photosynthesis", 3),
        new QuestionSpec("number", 0.3, 5),
        new QuestionSpec("number", 42, 1)));
  }

  private static Reply answer(Account who, Assignment assignment, int question, Object answer) {
    return api.post(path(assignment), body(assignment.questionIds().get(question), answer), who.token());
  }

  private static String path(Assignment assignment) {
    return "/api/v1/assignments/" + assignment.id() + "/answers";
  }

  private static JsonObject body(String questionId, Object answer) {
    return new JsonObject().put("questionId", questionId).put("answer", answer);
  }

  private static boolean correct(int question, Object answer) {
    Reply reply = answer(student, quiz, question, answer);
    assertThat(reply.status()).as("status for %s", answer).isEqualTo(202);
    return reply.json().getBoolean("correct");
  }

  @Test
  @DisplayName("a 202 carries the event id, question id, grade, points and an RFC 3339 submission time, and the event is stored")
  void acceptedShape() {
    Instant before = Instant.now();
    Reply reply = answer(student, quiz, 0, "Paris");
    assertThat(reply.status()).isEqualTo(202);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    JsonObject body = reply.json();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("eventId", "questionId", "correct", "pointsAwarded",
        "submittedAt", "late");
    assertThat(body.getBoolean("late")).as("the quiz has no due date").isFalse();
    assertThat(body.getString("questionId")).isEqualTo(quiz.questionIds().get(0));
    assertThat(body.getBoolean("correct")).isTrue();
    assertThat(body.getInteger("pointsAwarded")).isEqualTo(2);
    Instant submittedAt = Instant.parse(body.getString("submittedAt"));
    assertThat(submittedAt).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));

    List<JsonObject> stored = fixture.rows("SELECT student_id::text, assignment_id::text, question_id::text, answer, "
        + "correct, points_awarded, submitted_at, late FROM answer_events WHERE event_id = $1",
        UUID.fromString(body.getString("eventId")));
    assertThat(stored).hasSize(1);
    JsonObject event = stored.get(0);
    assertThat(event.getString("student_id")).isEqualTo(student.id());
    assertThat(event.getString("assignment_id")).isEqualTo(quiz.id());
    assertThat(event.getString("question_id")).isEqualTo(quiz.questionIds().get(0));
    assertThat(event.getValue("answer")).isEqualTo("Paris");
    assertThat(event.getBoolean("correct")).isTrue();
    assertThat(event.getInteger("points_awarded")).isEqualTo(2);
    assertThat(event.getBoolean("late")).isFalse();
    assertThat(Instant.parse(event.getString("submitted_at"))).isEqualTo(submittedAt);
  }

  @Test
  @DisplayName("choice answers must match exactly: case, spaces and numbers all make them wrong")
  void choiceGrading() {
    assertThat(correct(0, "Paris")).isTrue();
    assertThat(correct(0, "paris")).isFalse();
    assertThat(correct(0, " Paris")).isFalse();
    assertThat(correct(0, 1)).isFalse();
    Reply wrong = answer(student, quiz, 0, "Lyon");
    assertThat(wrong.json().getInteger("pointsAwarded")).isZero();
  }

  @Test
  @DisplayName("text answers are compared trimmed and case-insensitively")
  void textGrading() {
    assertThat(correct(1, "Photosynthesis")).isTrue();
    assertThat(correct(1, "  PHOTOSYNTHESIS\t\n")).isTrue();
    assertThat(correct(1, "photo synthesis")).isFalse();
    assertThat(correct(1, "")).isFalse();
    assertThat(correct(1, 3)).isFalse();
    assertThat(answer(student, quiz, 1, " photosynthesis ").json().getInteger("pointsAwarded")).isEqualTo(3);
  }

  @Test
  @DisplayName("number answers are right within 1e-9, as a JSON number or a numeric string")
  void numberGrading() {
    assertThat(correct(2, 0.1 + 0.2)).isTrue();            // 0.30000000000000004
    assertThat(correct(2, 0.3 + 5e-10)).isTrue();
    assertThat(correct(2, 0.3 + 2e-9)).isFalse();
    assertThat(correct(2, "0.3")).isTrue();
    assertThat(correct(2, " 3e-1 ")).isTrue();
    assertThat(correct(2, "0.3 apples")).isFalse();
    assertThat(correct(2, "NaN")).isFalse();
    assertThat(correct(3, 42)).isTrue();
    assertThat(correct(3, 42.0)).isTrue();
    assertThat(correct(3, "42")).isTrue();
    assertThat(correct(3, -42)).isFalse();
    assertThat(answer(student, quiz, 2, "0.30").json().getInteger("pointsAwarded")).isEqualTo(5);
  }

  @Test
  @DisplayName("every submission is kept: retries of one question are separate events")
  void everySubmissionIsKept() {
    Account learner = enrolledStudent();
    Set<String> ids = new HashSet<>();
    for (Object attempt : List.of(41, 41.5, 42)) {
      Reply reply = answer(learner, quiz, 3, attempt);
      assertThat(reply.status()).isEqualTo(202);
      ids.add(reply.json().getString("eventId"));
    }
    assertThat(ids).hasSize(3);
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE student_id = $1",
        UUID.fromString(learner.id()))).isEqualTo(3);
  }

  @Test
  @DisplayName("a student not enrolled in the course gets 404, the same as for an assignment that does not exist")
  void notEnrolled() {
    Account outsider = fixture.student();
    Reply existing = answer(outsider, quiz, 0, "Paris");
    Reply missing = api.post("/api/v1/assignments/" + UUID.randomUUID() + "/answers",
        body(quiz.questionIds().get(0), "Paris"), outsider.token());
    assertThat(existing.status()).isEqualTo(404);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(existing.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(existing.json().getString("detail")).isEqualTo(missing.json().getString("detail"));
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE student_id = $1",
        UUID.fromString(outsider.id()))).isZero();
  }

  @Test
  @DisplayName("an unknown question, a question of another assignment and an id that is no id are all 404")
  void unknownQuestion() {
    Assignment other = fixture.assignment(quiz.courseId(), List.of(new QuestionSpec("text", "x", 1)));
    assertThat(api.post(path(quiz), body(UUID.randomUUID().toString(), "x"), student.token()).status()).isEqualTo(404);
    assertThat(api.post(path(quiz), body(other.questionIds().get(0), "x"), student.token()).status()).isEqualTo(404);
    assertThat(api.post(path(quiz), body("not-an-id", "x"), student.token()).status()).isEqualTo(404);
    assertThat(api.post("/api/v1/assignments/not-an-id/answers", body(quiz.questionIds().get(0), "x"), student.token())
        .status()).isEqualTo(404);
    // The question does exist in its own assignment.
    assertThat(api.post(path(other), body(other.questionIds().get(0), "x"), student.token()).status()).isEqualTo(202);
  }

  @Test
  @DisplayName("teachers and admins get 403: only students answer")
  void onlyStudentsAnswer() {
    assertThat(answer(teacher, quiz, 0, "Paris").status()).isEqualTo(403);
    assertThat(answer(fixture.admin(), quiz, 0, "Paris").status()).isEqualTo(403);
    assertThat(api.post(path(quiz), body(quiz.questionIds().get(0), "Paris"), null).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a missing or malformed answer is a 400 naming the field")
  void validation() {
    Reply noAnswer = api.post(path(quiz), new JsonObject().put("questionId", quiz.questionIds().get(0)), student.token());
    assertThat(noAnswer.status()).isEqualTo(400);
    assertThat(noAnswer.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("answer");
    assertThat(api.post(path(quiz), body(quiz.questionIds().get(0), true), student.token()).status()).isEqualTo(400);
    assertThat(api.post(path(quiz), body(quiz.questionIds().get(0), new JsonObject()), student.token()).status())
        .isEqualTo(400);
    assertThat(api.post(path(quiz), body(quiz.questionIds().get(0), "nul\u0000byte"), student.token()).status())
        .isEqualTo(400);
    assertThat(api.post(path(quiz), body(quiz.questionIds().get(0), "x".repeat(2_001)), student.token()).status())
        .isEqualTo(400);
    assertThat(api.post(path(quiz), "{\"questionId\": \"" + quiz.questionIds().get(2) + "\", \"answer\": 1e400}",
        student.token()).status()).isEqualTo(400);
    Reply extra = api.post(path(quiz), body(quiz.questionIds().get(0), "Paris").put("hint", 1), student.token());
    assertThat(extra.status()).isEqualTo(400);
  }

  @Test
  @DisplayName("the same Idempotency-Key with the same body returns the first response again and stores one event")
  void idempotentRetry() {
    Account learner = enrolledStudent();
    Map<String, String> key = Map.of("Idempotency-Key", "retry-" + UUID.randomUUID());
    JsonObject request = body(quiz.questionIds().get(1), "photosynthesis");
    Reply first = api.post(path(quiz), request, learner.token(), key);
    Reply second = api.post(path(quiz), request, learner.token(), key);
    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.json()).isEqualTo(first.json());
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE student_id = $1",
        UUID.fromString(learner.id()))).isEqualTo(1);

    // The key belongs to its user: another student with the same key creates their own event.
    Account other = enrolledStudent();
    Reply others = api.post(path(quiz), request, other.token(), key);
    assertThat(others.status()).isEqualTo(202);
    assertThat(others.json().getString("eventId")).isNotEqualTo(first.json().getString("eventId"));
  }

  @Test
  @DisplayName("the same Idempotency-Key with a different body is a 422 and stores nothing more")
  void keyReusedForAnotherRequest() {
    Account learner = enrolledStudent();
    Map<String, String> key = Map.of("Idempotency-Key", "reused-" + UUID.randomUUID());
    assertThat(api.post(path(quiz), body(quiz.questionIds().get(0), "Paris"), learner.token(), key).status())
        .isEqualTo(202);
    Reply reused = api.post(path(quiz), body(quiz.questionIds().get(0), "Lyon"), learner.token(), key);
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE student_id = $1",
        UUID.fromString(learner.id()))).isEqualTo(1);
    Reply tooLong = api.post(path(quiz), body(quiz.questionIds().get(0), "Paris"), learner.token(),
        Map.of("Idempotency-Key", "k".repeat(256)));
    assertThat(tooLong.status()).isEqualTo(400);
  }

  @Test
  @DisplayName("concurrent duplicates with one Idempotency-Key store one event and all get the same 202")
  void concurrentDuplicates() throws Exception {
    Account learner = enrolledStudent();
    Map<String, String> key = Map.of("Idempotency-Key", "burst-" + UUID.randomUUID());
    JsonObject request = body(quiz.questionIds().get(3), 42);
    List<Callable<Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      calls.add(() -> api.post(path(quiz), request, learner.token(), key));
    }
    List<Reply> replies = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Reply> reply : pool.invokeAll(calls)) {
        replies.add(reply.get());
      }
    }
    assertThat(replies).extracting(Reply::status).containsOnly(202);
    assertThat(replies.stream().map(reply -> reply.json()).distinct()).hasSize(1);
    assertThat(replies.stream().filter(reply -> reply.header("Idempotent-Replayed") == null)).hasSize(1);
    assertThat(fixture.number("SELECT count(*) FROM answer_events WHERE student_id = $1",
        UUID.fromString(learner.id()))).isEqualTo(1);
  }

  @Test
  @DisplayName("concurrent submissions share commits, and the answer metrics are published")
  void groupCommitAndMetrics() throws Exception {
    List<Account> learners = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      learners.add(enrolledStudent());
    }
    List<Callable<Integer>> calls = new ArrayList<>();
    for (Account learner : learners) {
      calls.add(() -> answer(learner, quiz, 2, "0.3").status());
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Integer> status : pool.invokeAll(calls)) {
        assertThat(status.get()).isEqualTo(202);
      }
    }
    var batches = node.node().registry().find("learngrid.answer.batch.size").summary();
    assertThat(batches).isNotNull();
    assertThat(batches.max()).as("largest batch").isGreaterThan(1);
    assertThat(batches.totalAmount()).isGreaterThanOrEqualTo(40);
    String metrics = api.get("/metrics", null).body();
    assertThat(metrics).contains("learngrid_answers_submitted_total", "learngrid_answer_batch_size_count",
        "learngrid_events_pending", "learngrid_events_aggregated_total");
  }

  private static Account enrolledStudent() {
    Account learner = fixture.student();
    fixture.enroll(quiz.courseId(), learner.id());
    return learner;
  }
}
