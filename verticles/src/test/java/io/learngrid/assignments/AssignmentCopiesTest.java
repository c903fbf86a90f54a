package io.learngrid.assignments;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("One assignment created in several courses (an assignments job)")
@LearngridNode
class AssignmentCopiesTest {

  private final Api api;

  AssignmentCopiesTest(Api api) {
    this.api = api;
  }

  private String course(Account teacher) {
    return api.post("/api/v1/courses", new JsonObject().put("title", "Period").put("subject", "copies")
        .put("description", ""), teacher.token()).json().getString("id");
  }

  private static JsonObject copy(List<String> courseIds) {
    return new JsonObject().put("courseIds", new JsonArray(courseIds)).put("title", "Fractions check")
        .put("dueAt", "2031-05-01T08:00:00Z")
        .put("questions", new JsonArray()
            .add(new JsonObject().put("prompt", "1/2 + 1/4").put("kind", "choice")
                .put("choices", new JsonArray().add("3/4").add("2/6")).put("answer", "3/4").put("points", 2))
            .add(new JsonObject().put("prompt", "0.5 * 4").put("kind", "number").put("answer", 2).put("points", 1)));
  }

  @Test
  @DisplayName("creates the same assignment once in each named course, which its students can answer")
  void createsTheAssignmentInEveryCourse() throws Exception {
    Account teacher = api.account("teacher");
    List<String> courses = List.of(course(teacher), course(teacher), course(teacher));
    List<String> named = new ArrayList<>(courses);
    named.add(courses.getFirst().toUpperCase());

    Reply accepted = api.post("/api/v1/assignment-copies", copy(named), teacher.token());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonObject job = api.finishedJob(accepted.json().getString("jobId"), teacher.token());

    assertThat(job.getString("kind")).isEqualTo("assignments");
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
    JsonArray created = job.getJsonObject("result").getJsonArray("assignments");
    assertThat(job.getJsonObject("result").getJsonArray("errors")).isEmpty();
    assertThat(created.stream().map(c -> ((JsonObject) c).getString("courseId")).toList())
        .containsExactlyElementsOf(courses);
    for (Object entry : created) {
      JsonObject c = (JsonObject) entry;
      JsonObject assignment = api.get("/api/v1/assignments/" + c.getString("assignmentId"), teacher.token()).json();
      assertThat(assignment.getString("courseId")).isEqualTo(c.getString("courseId"));
      assertThat(assignment.getString("title")).isEqualTo("Fractions check");
      assertThat(assignment.getString("dueAt")).isEqualTo("2031-05-01T08:00:00Z");
      assertThat(assignment.getJsonArray("questions")).hasSize(2);
      assertThat(Database.value("SELECT count(*) FROM assignments WHERE course_id = ?",
          UUID.fromString(c.getString("courseId")))).isEqualTo(1L);
    }

    Account student = api.account("student");
    String inSecond = created.getJsonObject(1).getString("assignmentId");
    api.post("/api/v1/courses/" + courses.get(1) + "/enrollments", new JsonObject().put("studentId", student.id()),
        teacher.token());
    String question = api.get("/api/v1/assignments/" + inSecond, student.token()).json().getJsonArray("questions")
        .getJsonObject(1).getString("id");
    Reply answered = api.post("/api/v1/assignments/" + inSecond + "/answers",
        new JsonObject().put("questionId", question).put("answer", 2.0), student.token());
    assertThat(answered.status()).as(answered.body()).isEqualTo(202);
    assertThat(answered.json().getBoolean("correct")).isTrue();
  }

  @Test
  @DisplayName("queues nothing when one course is another teacher's (403) or does not exist (404)")
  void refusesCoursesThatAreNotTheCallers() {
    Account teacher = api.account("teacher");
    Account other = api.account("teacher");
    String mine = course(teacher);
    Reply foreign = api.post("/api/v1/assignment-copies", copy(List.of(mine, course(other))), teacher.token());
    assertThat(foreign.status()).as(foreign.body()).isEqualTo(403);
    assertThat(foreign.header("Content-Type")).isEqualTo("application/problem+json");
    Reply missing = api.post("/api/v1/assignment-copies", copy(List.of(mine, UUID.randomUUID().toString())),
        teacher.token());
    assertThat(missing.status()).as(missing.body()).isEqualTo(404);
    Reply notAnId = api.post("/api/v1/assignment-copies", copy(List.of(mine, "not-an-id")), teacher.token());
    assertThat(notAnId.status()).as(notAnId.body()).isEqualTo(400);
    Reply none = api.post("/api/v1/assignment-copies", copy(List.of()), teacher.token());
    assertThat(none.status()).as(none.body()).isEqualTo(400);
    assertThat(Database.value("SELECT count(*) FROM jobs WHERE kind = 'assignments' AND owner_id = ?",
        UUID.fromString(teacher.id()))).isEqualTo(0L);
    assertThat(Database.value("SELECT count(*) FROM assignments WHERE course_id = ?", UUID.fromString(mine))).isEqualTo(0L);
  }

  @Test
  @DisplayName("reports a course archived after the request as an error and still creates the others")
  void reportsCoursesThatChangedMeanwhile() throws Exception {
    Account teacher = api.account("teacher");
    String kept = course(teacher);
    String archived = course(teacher);
    // As if the course was archived between the request and the job's run: the job, inserted by
    // hand, names both courses, and the archiving happened first.
    Database.update("UPDATE courses SET status = 'archived' WHERE id = ?", UUID.fromString(archived));
    JsonObject input = new JsonObject().put("teacherId", teacher.id()).put("courseIds", new JsonArray().add(kept).add(archived))
        .put("title", "Late change").put("questions", copy(List.of()).getJsonArray("questions"));
    String jobId = UUID.randomUUID().toString();
    Database.update("INSERT INTO jobs (id, owner_id, kind, status, input, max_attempts) VALUES (?, ?, 'assignments',"
        + " 'queued', ?::jsonb, 3)", UUID.fromString(jobId), UUID.fromString(teacher.id()), input.encode());

    JsonObject job = api.finishedJob(jobId, teacher.token());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
    assertThat(job.getJsonObject("result").getJsonArray("assignments")).hasSize(1);
    assertThat(job.getJsonObject("result").getJsonArray("errors")).containsExactly(new JsonObject()
        .put("courseId", archived).put("message", "the course is gone, archived or no longer yours"));
  }

  @Test
  @DisplayName("honours Idempotency-Key: a retried request names the same job and creates the copies once")
  void retriedRequestCreatesOnce() throws Exception {
    Account teacher = api.account("teacher");
    String course = course(teacher);
    String key = UUID.randomUUID().toString();
    Reply first = api.post("/api/v1/assignment-copies", copy(List.of(course)), teacher.token(), key);
    Reply again = api.post("/api/v1/assignment-copies", copy(List.of(course)), teacher.token(), key);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().getString("jobId")).isEqualTo(first.json().getString("jobId"));
    api.finishedJob(first.json().getString("jobId"), teacher.token());
    assertThat(Database.value("SELECT count(*) FROM assignments WHERE course_id = ?", UUID.fromString(course))).isEqualTo(1L);
  }
}
