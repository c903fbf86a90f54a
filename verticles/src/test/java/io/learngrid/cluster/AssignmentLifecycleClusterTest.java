package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An assignment changed through one node holds on the other at once: the http-only node has the
 * assignment in its near cache, and the persistence node has its questions in the answer path's
 * memory; both must let go before the change's reply.
 */
@DisplayName("Assignment lock, draft and deletion across two clustered nodes (one of them http only)")
class AssignmentLifecycleClusterTest {

  @CloseAfterAll
  private static TestNode full;
  @CloseAfterAll
  private static TestNode httpOnly;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    full = NodeSettings.defaults().cluster(cluster).start();
    httpOnly = NodeSettings.defaults().cluster(cluster).roles("http").withoutBackingServices().start();
  }

  private record Fixture(Account teacher, Account student, String assignmentId, String questionId) {}

  private static Fixture assignment(Api a) {
    Account teacher = a.account("teacher");
    Account student = a.account("student");
    String courseId = a.post("/api/v1/courses", new JsonObject().put("title", "Term").put("subject", "cluster")
        .put("description", ""), teacher.token()).json().getString("id");
    assertThat(a.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", student.id()),
        teacher.token()).status()).isEqualTo(201);
    JsonObject created = a.post("/api/v1/courses/" + courseId + "/assignments", new JsonObject().put("title", "Quiz")
        .put("questions", new JsonArray().add(new JsonObject().put("prompt", "1+1").put("kind", "number")
            .put("answer", 2).put("points", 1))), teacher.token()).json();
    return new Fixture(teacher, student, created.getString("id"),
        created.getJsonArray("questions").getJsonObject(0).getString("id"));
  }

  private static int answer(Api api, Fixture f) {
    return api.post("/api/v1/assignments/" + f.assignmentId() + "/answers",
        new JsonObject().put("questionId", f.questionId()).put("answer", 2), f.student().token()).status();
  }

  /** Both nodes read the assignment twice (near caches warm) and take an answer (answer path warm). */
  private static void warm(Api a, Api b, Fixture f) {
    for (Api api : new Api[] {a, b, a, b}) {
      assertThat(api.get("/api/v1/assignments/" + f.assignmentId(), f.student().token()).status()).isEqualTo(200);
    }
    assertThat(answer(a, f)).isEqualTo(202);
    assertThat(answer(b, f)).isEqualTo(202);
  }

  @Test
  @DisplayName("locked through the http-only node: the next answer on either node is 409")
  void lockHoldsOnBothNodes() {
    Api a = full.api();
    Api b = httpOnly.api();
    Fixture f = assignment(a);
    warm(a, b, f);
    assertThat(b.patch("/api/v1/assignments/" + f.assignmentId(), new JsonObject().put("lockAt", Instant.now().toString()),
        f.teacher().token()).status()).isEqualTo(200);
    assertThat(answer(a, f)).isEqualTo(409);
    assertThat(answer(b, f)).isEqualTo(409);
  }

  @Test
  @DisplayName("made a draft through one node and deleted through the other: 404 to the student on both at once")
  void draftAndDeletionHoldOnBothNodes() {
    Api a = full.api();
    Api b = httpOnly.api();
    Fixture f = assignment(a);
    warm(a, b, f);
    assertThat(a.patch("/api/v1/assignments/" + f.assignmentId(), new JsonObject().put("status", "draft"),
        f.teacher().token()).status()).isEqualTo(200);
    for (Api api : new Api[] {a, b}) {
      assertThat(api.get("/api/v1/assignments/" + f.assignmentId(), f.student().token()).status()).isEqualTo(404);
      assertThat(answer(api, f)).isEqualTo(404);
      assertThat(api.get("/api/v1/assignments/" + f.assignmentId(), f.teacher().token()).status()).isEqualTo(200);
    }
    assertThat(b.method("DELETE", "/api/v1/assignments/" + f.assignmentId(), f.teacher().token()).status()).isEqualTo(204);
    for (Api api : new Api[] {a, b}) {
      assertThat(api.get("/api/v1/assignments/" + f.assignmentId(), f.teacher().token()).status()).isEqualTo(404);
    }
  }
}
