package io.learngrid.courses;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeProcess;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A 5,000-row roster import whose node is killed with SIGKILL halfway: the node (a JVM of its
 * own) is held inside a chunk by a row lock this test takes on one account, killed there, and
 * another node finishes the import from the last committed checkpoint.
 */
@DisplayName("A roster import whose node dies midway")
class RosterFailoverTest {

  private static final int ROWS = 5_000;
  private static final long LEASE_MS = 1_500;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Process doomed;

  @AfterEach
  void cleanUp() throws Exception {
    if (doomed != null) {
      doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    for (AutoCloseable resource : closing.reversed()) {
      resource.close();
    }
  }

  @Test
  @DisplayName("finishes on another node with exactly 5,000 enrollments, no account twice and one set-password email each")
  void importSurvivesTheDeathOfItsNode() throws Exception {
    String cluster = TestNode.newClusterName();
    // This node serves the API and the stores but runs no roster job itself.
    TestNode core = NodeSettings.defaults().cluster(cluster).roles("http,persistence,cache")
        .with("JOBS_ROSTER_CONCURRENCY", 0).start();
    closing.add(core);
    Api api = core.api();
    Account teacher = api.account("teacher");
    String courseId = api.post("/api/v1/courses", new JsonObject().put("title", "Assembly").put("subject", "roster")
        .put("description", ""), teacher.token()).json().getString("id");
    String tag = UUID.randomUUID().toString().substring(0, 8);
    StringBuilder csv = new StringBuilder("email,displayName\n");
    for (int i = 0; i < ROWS; i++) {
      csv.append(email(i, tag)).append(",Pupil ").append(i).append('\n');
    }
    // Row 2,600 already has an account; the import's chunk of rows 2,500-2,749 waits for its lock.
    String held = email(2_600, tag);
    Reply created = api.post("/api/v1/admin/users", new JsonObject().put("email", held).put("password", "pupil-password")
        .put("displayName", "Pupil 2600").put("role", "student"), api.adminToken());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Connection lock = Database.connect();
    closing.add(lock);
    lock.setAutoCommit(false);
    try (PreparedStatement statement = lock.prepareStatement("SELECT id FROM users WHERE email = ? FOR UPDATE")) {
      statement.setString(1, held);
      statement.executeQuery().close();
    }

    doomed = NodeProcess.start("roster-doomed", "persistence", "256m", Map.of(
        "CLUSTER_NAME", cluster,
        "PG_URL", TestServices.postgresUrl(),
        "PG_POOL_SIZE", "4",
        "JOBS_ROSTER_LEASE_MS", Long.toString(LEASE_MS),
        "JOBS_ROSTER_POLL_MS", "100",
        "JOBS_ROSTER_ATTEMPT_TIMEOUT_MS", "600000"));
    Reply accepted = upload(api, courseId, csv.toString(), teacher.token());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String jobId = accepted.json().getString("jobId");
    Eventually.within(120, () -> {
      JsonObject job = api.get("/api/v1/jobs/" + jobId, teacher.token()).json();
      return !doomed.isAlive() || job.getJsonObject("progress") != null
          && job.getJsonObject("progress").getInteger("done") == 2_500;
    });
    assertThat(doomed.isAlive()).as("the doomed node runs").isTrue();
    JsonObject midway = api.get("/api/v1/jobs/" + jobId, teacher.token()).json();
    assertThat(midway.getString("status")).isEqualTo("running");
    assertThat(midway.getJsonObject("progress")).isEqualTo(new JsonObject().put("done", 2_500).put("total", ROWS));
    assertThat(Database.value("SELECT count(*) FROM enrollments WHERE course_id = ?::uuid", courseId)).isEqualTo(2_500L);

    doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    lock.rollback();
    TestNode rescuer = NodeSettings.defaults().cluster(cluster).roles("persistence")
        .with("JOBS_ROSTER_LEASE_MS", LEASE_MS).with("JOBS_ROSTER_POLL_MS", 100).start();
    closing.add(rescuer);

    JsonObject job = api.finishedJob(jobId, teacher.token());
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getJsonObject("result")).isEqualTo(new JsonObject().put("created", ROWS - 1).put("enrolled", ROWS)
        .put("alreadyEnrolled", 0).put("errors", new io.vertx.core.json.JsonArray()));
    String like = "pupil-%-" + tag + "@school.example";
    assertThat(Database.value("SELECT count(*) FROM enrollments WHERE course_id = ?::uuid", courseId)).isEqualTo((long) ROWS);
    assertThat(Database.value("SELECT count(*) FROM users WHERE email LIKE ?", like)).isEqualTo((long) ROWS);
    assertThat(Database.value("SELECT count(*) FROM password_reset_tokens t JOIN users u ON u.id = t.user_id"
        + " WHERE u.email LIKE ?", like)).isEqualTo((long) ROWS - 1);
    assertThat(Database.value("SELECT count(DISTINCT input->>'to') FROM jobs WHERE kind = 'email' AND input->>'to' LIKE ?",
        like)).isEqualTo((long) ROWS - 1);
    assertThat(Database.value("SELECT count(*) FROM jobs WHERE kind = 'email' AND input->>'to' LIKE ?", like))
        .isEqualTo((long) ROWS - 1);
    // No SMTP server in this test: its queued emails are not the next test's.
    Database.update("DELETE FROM jobs WHERE kind = 'email' AND input->>'to' LIKE ?", like);
  }

  private static String email(int i, String tag) {
    return String.format("pupil-%04d-%s@school.example", i, tag);
  }

  private static Reply upload(Api api, String courseId, String csv, String token) {
    return api.exchange("POST", "/api/v1/courses/" + courseId + "/roster",
        Map.of("Content-Type", "text/csv", "Authorization", "Bearer " + token), csv);
  }
}
