package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A deleted course leaves every cache level of every node before the 204: the http-only node holds
 * the course, the assignment and the enrollment in its near cache and must not serve them after.
 */
@DisplayName("Course deletion and unenrollment across two clustered nodes (one of them http only)")
class CourseDeletionClusterTest {

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

  private record Fixture(Account teacher, Account student, String courseId, String assignmentId) {}

  private static Fixture courseWithAssignment(Api a) {
    Account teacher = a.account("teacher");
    Account student = a.account("student");
    String courseId = a.post("/api/v1/courses", new JsonObject().put("title", "Doomed").put("subject", "cluster")
        .put("description", ""), teacher.token()).json().getString("id");
    assertThat(a.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", student.id()),
        teacher.token()).status()).isEqualTo(201);
    String assignmentId = a.post("/api/v1/courses/" + courseId + "/assignments", new JsonObject().put("title", "Quiz")
        .put("questions", new JsonArray().add(new JsonObject().put("prompt", "1+1").put("kind", "number")
            .put("answer", 2).put("points", 1))), teacher.token()).json().getString("id");
    return new Fixture(teacher, student, courseId, assignmentId);
  }

  private static String[] reads(Fixture f) {
    return new String[] {"/api/v1/courses/" + f.courseId(), "/api/v1/courses/" + f.courseId() + "/assignments",
        "/api/v1/assignments/" + f.assignmentId()};
  }

  @Test
  @DisplayName("a deleted course, its assignments and enrollments are 404 on both nodes at once, warm caches included")
  void deletedCourseIsGoneOnBothNodes() {
    Api a = full.api();
    Api b = httpOnly.api();
    Fixture f = courseWithAssignment(a);
    for (Api node : new Api[] {a, b}) {
      for (String path : reads(f)) {
        // Twice: the second read is served from the warm caches.
        assertThat(node.get(path, f.student().token()).status()).as(path).isEqualTo(200);
        assertThat(node.get(path, f.student().token()).status()).as(path).isEqualTo(200);
      }
    }

    assertThat(b.method("DELETE", "/api/v1/courses/" + f.courseId(), f.teacher().token()).status()).isEqualTo(204);

    for (Api node : new Api[] {a, b}) {
      for (String path : reads(f)) {
        assertThat(node.get(path, f.student().token()).status()).as(path + " as the student").isEqualTo(404);
        assertThat(node.get(path, f.teacher().token()).status()).as(path + " as the teacher").isEqualTo(404);
      }
      assertThat(node.get("/api/v1/me/courses", f.student().token()).json().getJsonArray("items").stream()
          .map(item -> ((JsonObject) item).getString("id"))).doesNotContain(f.courseId());
    }
  }

  @Test
  @DisplayName("a student unenrolled through node A gets 404 on the course's assignments on node B at once")
  void unenrolledStudentLosesTheAssignmentsOnBothNodes() {
    Api a = full.api();
    Api b = httpOnly.api();
    Fixture f = courseWithAssignment(a);
    String assignment = "/api/v1/assignments/" + f.assignmentId();
    assertThat(b.get(assignment, f.student().token()).status()).isEqualTo(200);
    assertThat(b.get(assignment, f.student().token()).status()).isEqualTo(200);

    assertThat(a.method("DELETE", "/api/v1/courses/" + f.courseId() + "/enrollments/" + f.student().id(),
        f.student().token()).status()).isEqualTo(204);

    for (Api node : new Api[] {a, b}) {
      assertThat(node.get(assignment, f.student().token()).status()).isEqualTo(404);
      assertThat(node.get("/api/v1/courses/" + f.courseId() + "/assignments", f.student().token()).status())
          .isEqualTo(403);
    }
  }
}
