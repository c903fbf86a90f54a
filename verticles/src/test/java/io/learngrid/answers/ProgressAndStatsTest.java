package io.learngrid.answers;

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
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Progress and assignment statistics, folded from answer events by the aggregator")
@LearngridNode
class ProgressAndStatsTest {

  @CloseAfterAll
  private static final LearningFixture fixture = LearningFixture.open();
  private final TestNode node;
  private final Api api;

  ProgressAndStatsTest(TestNode node) {
    this.node = node;
    this.api = node.api();
  }

  /** A course of {@code teacher} with two assignments: three questions worth 1, 2 and 4 points, and one worth 10. */
  private record Course(String id, Assignment quiz, Assignment exam) {}

  private static Course course(Account teacher) {
    String id = fixture.course(teacher.id());
    Assignment quiz = fixture.assignment(id, List.of(
        new QuestionSpec("choice", "A", 1), new QuestionSpec("text", "cell", 2), new QuestionSpec("number", 7, 4)));
    Assignment exam = fixture.assignment(id, List.of(new QuestionSpec("number", 100, 10)));
    return new Course(id, quiz, exam);
  }

  private Reply answer(Account student, Assignment assignment, int question, Object answer) {
    Reply reply = api.post("/api/v1/assignments/" + assignment.id() + "/answers",
        new JsonObject().put("questionId", assignment.questionIds().get(question)).put("answer", answer), student.token());
    assertThat(reply.status()).isEqualTo(202);
    return reply;
  }

  private static JsonObject assignmentIn(JsonObject progress, String courseId, String assignmentId) {
    for (Object course : progress.getJsonArray("courses")) {
      JsonObject c = (JsonObject) course;
      if (c.getString("courseId").equals(courseId)) {
        for (Object assignment : c.getJsonArray("assignments")) {
          if (((JsonObject) assignment).getString("assignmentId").equals(assignmentId)) {
            return (JsonObject) assignment;
          }
        }
      }
    }
    return null;
  }

  private static JsonObject figures(String assignmentId, int answered, int correct, int points, int maxPoints) {
    return new JsonObject().put("assignmentId", assignmentId).put("answered", answered).put("correct", correct)
        .put("points", points).put("maxPoints", maxPoints);
  }

  @Test
  @DisplayName("after a 202, the student's own progress reflects the answer within 2 seconds, with asOf past it")
  void progressReflectsAnAnswerWithinTwoSeconds() throws Exception {
    Account teacher = fixture.teacher();
    Account student = fixture.student();
    Course course = course(teacher);
    fixture.enroll(course.id(), student.id());

    Reply accepted = answer(student, course.quiz(), 2, 7);
    Instant submittedAt = Instant.parse(accepted.json().getString("submittedAt"));
    JsonObject[] seen = new JsonObject[1];
    Eventually.within(2, () -> {
      seen[0] = api.get("/api/v1/me/progress", student.token()).json();
      JsonObject quiz = assignmentIn(seen[0], course.id(), course.quiz().id());
      // Both the figures and asOf must say that the answer is in.
      return quiz != null && quiz.getInteger("answered") == 1
          && Instant.parse(seen[0].getString("asOf")).isAfter(submittedAt);
    });
    JsonObject progress = seen[0];
    assertThat(progress.getString("studentId")).isEqualTo(student.id());
    assertThat(progress.getJsonArray("courses")).isEqualTo(new JsonArray().add(new JsonObject()
        .put("courseId", course.id())
        .put("assignments", new JsonArray()
            .add(figures(course.quiz().id(), 1, 1, 4, 7))
            .add(figures(course.exam().id(), 0, 0, 0, 10)))));
  }

  @Test
  @DisplayName("progress is served from the cache until the next aggregation, and never hides a folded answer")
  void progressIsCachedUntilTheNextAggregation() throws Exception {
    Account teacher = fixture.teacher();
    Account student = fixture.student();
    Course course = course(teacher);
    fixture.enroll(course.id(), student.id());
    answer(student, course.quiz(), 0, "A");
    Eventually.within(2, () -> {
      JsonObject quiz = assignmentIn(api.get("/api/v1/me/progress", student.token()).json(), course.id(),
          course.quiz().id());
      return quiz != null && quiz.getInteger("answered") == 1;
    });
    // No answers are pending now, so nothing is folded and the cached progress stays current.
    double hits = progressCacheHits();
    JsonObject first = api.get("/api/v1/me/progress", student.token()).json();
    JsonObject second = api.get("/api/v1/me/progress", student.token()).json();
    assertThat(second).isEqualTo(first);
    assertThat(progressCacheHits()).isGreaterThanOrEqualTo(hits + 1);

    answer(student, course.quiz(), 1, "cell");
    Eventually.within(2, () -> {
      JsonObject quiz = assignmentIn(api.get("/api/v1/me/progress", student.token()).json(), course.id(),
          course.quiz().id());
      return quiz != null && quiz.getInteger("answered") == 2;
    });
  }

  private double progressCacheHits() {
    var counter = node.node().registry().find("learngrid.cache.requests").tag("kind", "progress").tag("result", "hit")
        .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("progress counts questions answered, questions ever right and the best points of each, across courses")
  void progressFigures() throws Exception {
    Account student = fixture.student();
    Course first = course(fixture.teacher());
    Course second = course(fixture.teacher());
    String empty = fixture.course(fixture.teacher().id());
    fixture.enroll(first.id(), student.id());
    fixture.enroll(second.id(), student.id());
    fixture.enroll(empty, student.id());

    answer(student, first.quiz(), 0, "B");        // wrong
    answer(student, first.quiz(), 0, "A");        // right: 1 point
    answer(student, first.quiz(), 0, "C");        // wrong again: the best attempt stays
    answer(student, first.quiz(), 1, "tissue");   // wrong
    answer(student, first.quiz(), 2, "7.0");      // right: 4 points
    answer(student, second.exam(), 0, 99);        // wrong

    JsonObject expected = new JsonObject().put("courses", new JsonArray()
        .add(new JsonObject().put("courseId", first.id()).put("assignments", new JsonArray()
            .add(figures(first.quiz().id(), 3, 2, 5, 7))
            .add(figures(first.exam().id(), 0, 0, 0, 10))))
        .add(new JsonObject().put("courseId", second.id()).put("assignments", new JsonArray()
            .add(figures(second.quiz().id(), 0, 0, 0, 7))
            .add(figures(second.exam().id(), 1, 0, 0, 10))))
        .add(new JsonObject().put("courseId", empty).put("assignments", new JsonArray())));
    JsonObject[] seen = new JsonObject[1];
    Eventually.within(5, () -> {
      seen[0] = api.get("/api/v1/me/progress", student.token()).json();
      return expected.getJsonArray("courses").equals(seen[0].getJsonArray("courses"));
    });
    assertThat(seen[0].getString("studentId")).isEqualTo(student.id());
    assertThat(seen[0].getJsonArray("courses")).isEqualTo(expected.getJsonArray("courses"));
  }

  @Test
  @DisplayName("a student enrolled nowhere has no courses; teachers get 403 on /me/progress")
  void emptyProgressAndRoles() {
    Account student = fixture.student();
    Reply reply = api.get("/api/v1/me/progress", student.token());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getJsonArray("courses")).isEmpty();
    assertThat(Instant.parse(reply.json().getString("asOf"))).isBefore(Instant.now().plusSeconds(1));
    assertThat(api.get("/api/v1/me/progress", fixture.teacher().token()).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("a student's progress in a course is for the course's teacher and admins; everyone else gets 404")
  void studentProgressAccess() throws Exception {
    Account teacher = fixture.teacher();
    Account student = fixture.student();
    Course course = course(teacher);
    Course elsewhere = course(teacher);
    fixture.enroll(course.id(), student.id());
    fixture.enroll(elsewhere.id(), student.id());
    answer(student, course.exam(), 0, 100);
    String path = "/api/v1/courses/" + course.id() + "/students/" + student.id() + "/progress";

    JsonObject[] seen = new JsonObject[1];
    Eventually.within(5, () -> {
      Reply reply = api.get(path, teacher.token());
      seen[0] = reply.json();
      return reply.status() == 200 && figures(course.exam().id(), 1, 1, 10, 10)
          .equals(assignmentIn(seen[0], course.id(), course.exam().id()));
    });
    assertThat(seen[0].getString("studentId")).isEqualTo(student.id());
    assertThat(seen[0].getJsonArray("courses")).hasSize(1); // only this course, not the other one
    assertThat(api.get(path, fixture.admin().token()).json().getJsonArray("courses"))
        .isEqualTo(seen[0].getJsonArray("courses"));

    assertThat(api.get(path, fixture.teacher().token()).status()).isEqualTo(404);    // another teacher
    assertThat(api.get(path, student.token()).status()).isEqualTo(404);              // the student themself
    Account stranger = fixture.student();
    assertThat(api.get("/api/v1/courses/" + course.id() + "/students/" + stranger.id() + "/progress", teacher.token())
        .status()).isEqualTo(404);                                                     // not enrolled
    assertThat(api.get("/api/v1/courses/" + UUID.randomUUID() + "/students/" + student.id() + "/progress",
        fixture.admin().token()).status()).isEqualTo(404);                             // no such course
    assertThat(api.get("/api/v1/courses/x/students/y/progress", teacher.token()).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("stats count students, submissions, attempts per question and the students who got each one right")
  void stats() throws Exception {
    Account teacher = fixture.teacher();
    Course course = course(teacher);
    Account ann = fixture.student();
    Account bob = fixture.student();
    Account cid = fixture.student();
    for (Account student : List.of(ann, bob, cid)) {
      fixture.enroll(course.id(), student.id());
    }
    answer(ann, course.quiz(), 0, "A");
    answer(ann, course.quiz(), 0, "A");   // right twice: still one student right
    answer(ann, course.quiz(), 1, "Cell");
    answer(bob, course.quiz(), 0, "B");
    answer(bob, course.quiz(), 0, "A");   // wrong, then right
    answer(bob, course.quiz(), 2, 8);
    answer(cid, course.quiz(), 2, 6);
    String path = "/api/v1/assignments/" + course.quiz().id() + "/stats";

    JsonObject[] seen = new JsonObject[1];
    Eventually.within(5, () -> {
      seen[0] = api.get(path, teacher.token()).json();
      return seen[0].getInteger("submissions") == 7;
    });
    JsonObject stats = seen[0];
    assertThat(stats.getString("assignmentId")).isEqualTo(course.quiz().id());
    assertThat(stats.getInteger("students")).isEqualTo(3);
    assertThat(Instant.parse(stats.getString("asOf"))).isBefore(Instant.now().plusSeconds(1));
    List<String> q = course.quiz().questionIds();
    assertThat(stats.getJsonArray("questions")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("questionId", q.get(0)).put("attempts", 4).put("correct", 2).put("students", 2))
        .add(new JsonObject().put("questionId", q.get(1)).put("attempts", 1).put("correct", 1).put("students", 1))
        .add(new JsonObject().put("questionId", q.get(2)).put("attempts", 2).put("correct", 0).put("students", 2)));

    assertThat(api.get(path, fixture.teacher().token()).status()).isEqualTo(404);
    assertThat(api.get(path, ann.token()).status()).as("a student of the course sees the assignment, not its stats")
        .isEqualTo(403);
    assertThat(api.get(path, fixture.admin().token()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/assignments/" + UUID.randomUUID() + "/stats", teacher.token()).status()).isEqualTo(404);
    JsonObject untouched = api.get("/api/v1/assignments/" + course.exam().id() + "/stats", teacher.token()).json();
    assertThat(untouched.getInteger("students")).isZero();
    assertThat(untouched.getInteger("submissions")).isZero();
    assertThat(untouched.getJsonArray("questions").getJsonObject(0).getInteger("attempts")).isZero();
  }
}
