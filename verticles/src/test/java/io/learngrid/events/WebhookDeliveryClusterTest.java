package io.learngrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeProcess;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.learngrid.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Webhook deliveries over a cluster whose delivering node is a JVM of its own: the receiver is
 * down for a while (503s; {@code -Dwebhook.outage.seconds}, default 5, the case is 60),
 * then the node is killed with SIGKILL while a delivery is in flight, and another node takes over.
 * After deduplication by id the receiver has every event of the outbox exactly once, every
 * delivery's signature verifies.
 */
@DisplayName("Webhook deliveries across a receiver outage and a node's SIGKILL")
class WebhookDeliveryClusterTest {

  private static final long OUTAGE_MILLIS = Long.getLong("webhook.outage.seconds", 5) * 1_000;
  private static final Map<String, String> FAST_RETRIES = Map.of(
      "JOBS_WEBHOOK_BACKOFF_MS", "100",
      "JOBS_WEBHOOK_MAX_BACKOFF_MS", "1000",
      "JOBS_WEBHOOK_POLL_MS", "100",
      "JOBS_WEBHOOK_LEASE_MS", "1500",
      "WEBHOOK_TIMEOUT_MS", "2000");
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Process doomed;
  private String webhookId;
  private Api api;

  @AfterEach
  void cleanUp() throws Exception {
    if (webhookId != null) {
      api.method("DELETE", "/api/v1/admin/webhooks/" + webhookId, api.adminToken());
    }
    if (doomed != null) {
      doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    for (AutoCloseable resource : closing.reversed()) {
      resource.close();
    }
  }

  @Test
  @DisplayName("every event reaches the receiver exactly once after dedupe, signed, through an outage and a SIGKILL")
  void everyEventOnceThroughOutageAndKill() throws Exception {
    String cluster = TestNode.newClusterName();
    // The API and the stores; it delivers no webhooks itself.
    NodeSettings core = NodeSettings.defaults().cluster(cluster).roles("http,persistence,cache")
        .with("JOBS_WEBHOOK_CONCURRENCY", 0);
    FAST_RETRIES.forEach(core::with);
    TestNode node = core.start();
    closing.add(node);
    api = node.api();
    WebhookReceiver receiver = new WebhookReceiver();
    closing.add(receiver);
    Map<String, String> doomedSettings = new java.util.HashMap<>(FAST_RETRIES);
    doomedSettings.putAll(Map.of("CLUSTER_NAME", cluster, "PG_URL", TestServices.postgresUrl(), "PG_POOL_SIZE", "4",
        "WEBHOOK_ALLOW_PRIVATE", "true",
        // Its own answers, folds and exports are the core's to do: this node only delivers.
        "JOBS_EXPORT_CONCURRENCY", "0"));
    doomed = NodeProcess.start("webhook-doomed", "persistence", "256m", doomedSettings);

    JsonObject created = api.post("/api/v1/admin/webhooks", new JsonObject().put("url", receiver.url())
        .put("events", new JsonArray().add("answer.submitted").add("progress.updated").add("enrollment.created")
            .add("enrollment.deleted").add("job.finished")), api.adminToken()).json();
    webhookId = created.getString("id");
    String secret = created.getString("secret");

    Api.Account teacher = api.account("teacher");
    String courseId = api.post("/api/v1/courses", new JsonObject().put("title", "Hooked").put("subject", "hooks")
        .put("description", ""), teacher.token()).json().getString("id");
    JsonObject quiz = api.post("/api/v1/courses/" + courseId + "/assignments", new JsonObject().put("title", "Q")
        .put("questions", new JsonArray().add(new JsonObject().put("prompt", "2+2").put("kind", "number")
            .put("answer", 4).put("points", 1))), teacher.token()).json();
    String assignmentId = quiz.getString("id");
    String assignment = quiz.getJsonArray("questions").getJsonObject(0).getString("id");

    // 1. Normal delivery (by the doomed node's runner, once it has started: the core runs none).
    List<Api.Account> students = new ArrayList<>();
    activity(api, teacher, courseId, assignmentId, assignment, students, 2);
    String exportJob = api.post("/api/v1/courses/" + courseId + "/exports", new JsonObject().put("kind", "gradebook")
        .put("format", "csv"), teacher.token()).json().getString("jobId");
    api.finishedJob(exportJob, teacher.token());
    Eventually.within(60, () -> receiver.events().keySet().containsAll(outbox(courseId))
        && receiver.events().values().stream().anyMatch(e -> e.getString("type").equals("job.finished")
            && e.getJsonObject("data").getString("jobId").equals(exportJob)));

    // 2. The receiver is down (503) for the outage; events keep coming meanwhile.
    receiver.mode(WebhookReceiver.Mode.FAIL);
    long outageStarted = System.currentTimeMillis();
    activity(api, teacher, courseId, assignmentId, assignment, students, 3);
    Eventually.within(30, () -> receiver.refused() > 0);
    while (System.currentTimeMillis() - outageStarted < OUTAGE_MILLIS) {
      Thread.sleep(100); // the outage is the test's parameter: a duration, not a synchronisation
    }
    receiver.mode(WebhookReceiver.Mode.ACCEPT);
    long outageEnded = System.currentTimeMillis();
    Eventually.within(60, () -> receiver.events().keySet().containsAll(outbox(courseId)));
    long recovered = System.currentTimeMillis() - outageEnded;
    System.out.println("webhook outage of " + OUTAGE_MILLIS + " ms: every event delivered " + recovered
        + " ms after the receiver came back; " + receiver.refused() + " attempts refused during it");

    // 3. A delivery in flight when its node is killed: the receiver holds it, the node dies.
    receiver.mode(WebhookReceiver.Mode.HOLD);
    activity(api, teacher, courseId, assignmentId, assignment, students, 1);
    Eventually.within(30, () -> receiver.held() > 0);
    doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    receiver.mode(WebhookReceiver.Mode.ACCEPT);
    NodeSettings rescue = NodeSettings.defaults().cluster(cluster).roles("persistence");
    FAST_RETRIES.forEach(rescue::with);
    TestNode rescuer = rescue.start();
    closing.add(rescuer);
    Eventually.within(60, () -> receiver.events().keySet().containsAll(outbox(courseId)));

    // Exactly the outbox's events (and the export's job.finished), each once after dedupe.
    Set<String> expected = new HashSet<>(outbox(courseId));
    Map<String, JsonObject> received = receiver.events();
    Set<String> ofThisCourse = new HashSet<>();
    received.forEach((id, event) -> {
      JsonObject data = event.getJsonObject("data");
      if (courseId.equals(data.getString("courseId"))) {
        ofThisCourse.add(id);
      }
    });
    assertThat(ofThisCourse).isEqualTo(expected);
    assertThat(received.values()).filteredOn(e -> e.getString("type").equals("job.finished")
        && e.getJsonObject("data").getString("jobId").equals(exportJob)).hasSize(1);
    List<WebhookReceiver.Delivery> deliveries = receiver.deliveries();
    for (WebhookReceiver.Delivery delivery : deliveries) {
      assertThat(WebhookReceiver.verifies(delivery, secret)).as("signature of " + delivery.body()).isTrue();
    }
    long accepted = deliveries.size() - receiver.refused();
    System.out.println("webhook deliveries: " + deliveries.size() + " POSTs answered (" + receiver.refused()
        + " refused with 503, " + (accepted - received.size()) + " duplicates), " + receiver.held()
        + " held when the node died, " + received.size() + " distinct events");
    assertThat(accepted).as("accepted POSTs (at least once)").isGreaterThanOrEqualTo(received.size());
    JsonObject one = received.get(expected.iterator().next());
    assertThat(one.fieldNames()).containsExactlyInAnyOrder("id", "type", "occurredAt", "data");
  }

  /** {@code enrollments} new students enrolled, each answering once (an answer and, later, its fold). */
  private static void activity(Api api, Api.Account teacher, String courseId, String assignmentId, String questionId,
                               List<Api.Account> students, int enrollments) {
    for (int i = 0; i < enrollments; i++) {
      Api.Account student = api.account("student");
      assertThat(api.post("/api/v1/courses/" + courseId + "/enrollments", new JsonObject().put("studentId", student.id()),
          teacher.token()).status()).isEqualTo(201);
      assertThat(api.post("/api/v1/assignments/" + assignmentId + "/answers", new JsonObject()
          .put("questionId", questionId).put("answer", 4), student.token()).status()).isEqualTo(202);
      students.add(student);
    }
    // And one leaves.
    Api.Account leaving = students.remove(0);
    assertThat(api.method("DELETE", "/api/v1/courses/" + courseId + "/enrollments/" + leaving.id(), teacher.token())
        .status()).isEqualTo(204);
  }

  /** The ids of the course's events in the outbox once the aggregator has folded every answer. */
  private static Set<String> outbox(String courseId) {
    Set<String> ids = new HashSet<>();
    try (Connection connection = Database.connect();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT id::text FROM course_events WHERE course_id = ?::uuid")) {
      statement.setString(1, courseId);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }
}
