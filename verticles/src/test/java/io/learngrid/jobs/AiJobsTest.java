package io.learngrid.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AI jobs on one node with every role, against the AI simulator")
@LearngridNode
class AiJobsTest {

  private final Api api;

  AiJobsTest(Api api) {
    this.api = api;
  }

  /** Polls the job until it has finished (the ai role runs it in the background) and returns it. */
  static JsonObject finished(Api api, String jobId, String token) throws InterruptedException {
    AtomicReference<JsonObject> job = new AtomicReference<>();
    Eventually.within(60, () -> {
      Reply reply = api.get("/api/v1/jobs/" + jobId, token);
      assertThat(reply.status()).isEqualTo(200);
      job.set(reply.json());
      return Set.of("succeeded", "failed").contains(reply.json().getString("status"));
    });
    return job.get();
  }

  static JsonObject questionsRequest(int count) {
    return new JsonObject().put("topic", "fractions " + UUID.randomUUID()).put("count", count).put("difficulty", "easy");
  }

  @Test
  @DisplayName("a question job succeeds, and its questions post unchanged to assignment creation")
  void questionsPostUnchanged() throws InterruptedException {
    Account teacher = api.account("teacher");
    Reply accepted = api.post("/api/v1/ai/questions", questionsRequest(7), teacher.token());
    assertThat(accepted.status()).isEqualTo(202);
    String jobId = accepted.json().getString("jobId");

    JsonObject job = finished(api, jobId, teacher.token());
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getString("kind")).isEqualTo("questions");
    assertThat(job.getString("finishedAt")).isNotBlank();
    assertThat(job.getInteger("attempts")).isEqualTo(1);
    JsonArray questions = job.getJsonObject("result").getJsonArray("questions");
    assertThat(questions).hasSize(7);

    Reply course = api.post("/api/v1/courses", new JsonObject().put("title", "Maths").put("subject", "maths")
        .put("description", "d"), teacher.token());
    Reply assignment = api.post("/api/v1/courses/" + course.json().getString("id") + "/assignments",
        new JsonObject().put("title", "Generated").put("questions", questions), teacher.token());
    assertThat(assignment.status()).as(assignment.body()).isEqualTo(201);
    JsonArray stored = assignment.json().getJsonArray("questions");
    for (int i = 0; i < questions.size(); i++) {
      JsonObject generated = questions.getJsonObject(i);
      JsonObject kept = stored.getJsonObject(i);
      for (String field : generated.fieldNames()) {
        assertThat(kept.getValue(field)).as("question %d %s", i, field).isEqualTo(generated.getValue(field));
      }
    }
  }

  @Test
  @DisplayName("a lesson-plan job succeeds with the plan's text")
  void lessonPlan() throws InterruptedException {
    Account teacher = api.account("teacher");
    Reply accepted = api.post("/api/v1/ai/lesson-plans", new JsonObject().put("topic", "photosynthesis")
        .put("gradeLevel", "7").put("durationMinutes", 45), teacher.token());
    assertThat(accepted.status()).isEqualTo(202);

    JsonObject job = finished(api, accepted.json().getString("jobId"), teacher.token());
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getString("kind")).isEqualTo("lesson-plan");
    // The simulator's plan follows the prompt: the lesson's length reached the model.
    assertThat(job.getJsonObject("result").getString("lessonPlan")).startsWith("Lesson plan (45 minutes)")
        .contains("Activities:");
  }

  @Test
  @DisplayName("only its owner sees a job: other teachers and students get 404, and students cannot start one")
  void ownerOnly() {
    Account owner = api.account("teacher");
    String jobId = api.post("/api/v1/ai/questions", questionsRequest(1), owner.token()).json().getString("jobId");

    Account otherTeacher = api.account("teacher");
    String student = api.login(api.registerStudent("student-password"), "student-password");
    assertThat(api.get("/api/v1/jobs/" + jobId, otherTeacher.token()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/" + jobId, student).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/" + UUID.randomUUID(), owner.token()).status()).isEqualTo(404);
    assertThat(api.get("/api/v1/jobs/" + jobId, owner.token()).status()).isEqualTo(200);

    assertThat(api.post("/api/v1/ai/questions", questionsRequest(1), student).status()).isEqualTo(403);
    assertThat(api.post("/api/v1/ai/lesson-plans", new JsonObject().put("topic", "t").put("gradeLevel", "7")
        .put("durationMinutes", 45), student).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("an Idempotency-Key replays the first job id; the same key with another body is refused with 422")
  void idempotencyKey() {
    Account teacher = api.account("teacher");
    String key = UUID.randomUUID().toString();
    JsonObject body = questionsRequest(2);
    Reply first = api.post("/api/v1/ai/questions", body, teacher.token(), key);
    Reply again = api.post("/api/v1/ai/questions", body, teacher.token(), key);
    assertThat(first.status()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().getString("jobId")).isEqualTo(first.json().getString("jobId"));

    Reply misuse = api.post("/api/v1/ai/questions", questionsRequest(3), teacher.token(), key);
    assertThat(misuse.status()).isEqualTo(422);
  }

  @Test
  @DisplayName("bad requests are refused with 400 naming each field")
  void validation() {
    Account teacher = api.account("teacher");
    Reply tooMany = api.post("/api/v1/ai/questions", new JsonObject().put("topic", "t").put("count", 21)
        .put("difficulty", "brutal"), teacher.token());
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .contains("count", "difficulty");
    Reply shortLesson = api.post("/api/v1/ai/lesson-plans", new JsonObject().put("topic", "t").put("gradeLevel", "7")
        .put("durationMinutes", 1), teacher.token());
    assertThat(shortLesson.status()).isEqualTo(400);
  }
}
