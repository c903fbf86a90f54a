package io.learngrid.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeProcess;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.ScriptedUpstream;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The node that claimed a job dies for real: a second JVM (a production node with only the ai role)
 * claims the job, hangs on an upstream that never answers, and is killed with SIGKILL, so nothing
 * is handed back. Another node takes the job up once the lease runs out and finishes it. A node
 * that only pauses (SIGSTOP) loses its lease the same way, but its upstream call still brings the
 * reply: the other node's retry waits for it instead of paying for the generation again.
 */
@DisplayName("An AI job whose node dies")
class AiJobFailoverTest {

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
  @DisplayName("is claimed again by another node after its lease expires and finishes exactly once")
  void jobSurvivesTheDeathOfItsNode() throws Exception {
    ScriptedUpstream hanging = new ScriptedUpstream(new ScriptedUpstream.Hang());
    closing.add(hanging);
    String cluster = TestNode.newClusterName();
    TestNode core = NodeSettings.defaults().cluster(cluster).roles("http,persistence,cache").aiUrl(null).start();
    closing.add(core);
    Api api = core.api();
    Account teacher = api.account("teacher");
    String jobId = api.post("/api/v1/ai/questions", AiJobsTest.questionsRequest(4), teacher.token())
        .json().getString("jobId");

    Path log = Files.createTempFile(TestServices.scratch("failover"), "doomed-node", ".log");
    doomed = NodeProcess.start(log, "ai", "256m", Map.of(
        "CLUSTER_NAME", cluster,
        "AI_URL", hanging.url(),
        // Its call's load lock lasts twice this: the rescuer's retry waits that long for the reply.
        "AI_TIMEOUT_MS", "5000",
        "AI_JOBS_ATTEMPT_TIMEOUT_MS", "600000",
        "AI_JOBS_LEASE_MS", Long.toString(LEASE_MS),
        "AI_JOBS_POLL_MS", "100"));
    Eventually.within(120, () -> hanging.requests() == 1 || !doomed.isAlive());
    assertThat(doomed.isAlive()).as("the ai node runs (its log: %s)", log).isTrue();
    JsonObject claimed = api.get("/api/v1/jobs/" + jobId, teacher.token()).json();
    assertThat(claimed.getString("status")).isEqualTo("running");
    assertThat(claimed.getInteger("attempts")).isEqualTo(1);

    doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    // Until the cluster has dropped the dead member, requests could still be routed to it.
    Eventually.within(60, () -> noAiRoleLeft(core));
    assertThat(api.get("/api/v1/jobs/" + jobId, teacher.token()).json().getString("status")).isEqualTo("running");

    TestNode rescuer = NodeSettings.defaults().cluster(cluster).roles("ai").aiJobsLeaseMillis(LEASE_MS).aiJobsPollMillis(100)
        .start();
    closing.add(rescuer);

    JsonObject job = AiJobsTest.finished(api, jobId, teacher.token());
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getJsonObject("result").getJsonArray("questions")).hasSize(4);
    assertThat(hanging.requests()).isEqualTo(1);
    assertThat(rescuer.node().registry().scrape())
        .contains("learngrid_jobs_total{kind=\"questions\",outcome=\"succeeded\"} 1.0");
  }

  @Test
  @DisplayName("whose node pauses mid-call is finished by another node with the paused call's reply, paid once")
  void pausedNodesCallIsNotPaidTwice() throws Exception {
    ScriptedUpstream held = new ScriptedUpstream(new ScriptedUpstream.Hold());
    closing.add(held);
    String cluster = TestNode.newClusterName();
    TestNode core = NodeSettings.defaults().cluster(cluster).roles("http,persistence,cache").aiUrl(null).start();
    closing.add(core);
    Api api = core.api();
    Account teacher = api.account("teacher");
    String jobId = api.post("/api/v1/ai/questions", AiJobsTest.questionsRequest(1), teacher.token())
        .json().getString("jobId");

    Path log = Files.createTempFile(TestServices.scratch("failover"), "paused-node", ".log");
    doomed = NodeProcess.start(log, "ai", "256m", Map.of(
        "CLUSTER_NAME", cluster,
        "AI_URL", held.url(),
        "AI_JOBS_LEASE_MS", Long.toString(LEASE_MS),
        "AI_JOBS_POLL_MS", "100"));
    Eventually.within(120, () -> held.requests() == 1 || !doomed.isAlive());
    assertThat(doomed.isAlive()).as("the ai node runs (its log: %s)", log).isTrue();
    // The same upstream: a second generation would reach it, and be counted. It joins before the
    // pause: a frozen member holds up a joining one until the cluster gives it up (60 s).
    // With a cache role of its own: its budget admission and reply-cache lookup (one request) are
    // served in this node, on the shared Redis, rather than across a cluster whose frozen member
    // may own the partition of the address's subscribers (then the lookup times out, the lock is
    // never seen, and the test measures Hazelcast, not the single flight).
    TestNode rescuer = NodeSettings.defaults().cluster(cluster).roles("ai,cache").aiUrl(held.url())
        .aiJobsLeaseMillis(LEASE_MS).aiJobsPollMillis(100).start();
    closing.add(rescuer);
    signal("STOP", doomed);
    try {
      // The rescuer took the job over and waits for the paused node's flight, without calling.
      Eventually.within(60, () -> api.get("/api/v1/jobs/" + jobId, teacher.token()).json().getInteger("attempts") == 2
          && rescuer.node().registry().scrape().contains("learngrid_ai_single_flight_waiting 1.0"));
      assertThat(held.requests()).isEqualTo(1);

      JsonObject question = new JsonObject().put("prompt", "1/2 + 1/4?").put("kind", "choice")
          .put("choices", new JsonArray().add("3/4").add("2/6")).put("answer", "3/4").put("points", 1);
      held.answerHeld(new ScriptedUpstream.Reply("```json\n" + new JsonObject().put("questions",
          new JsonArray().add(question)).encode() + "\n```"));
    } finally {
      signal("CONT", doomed);
    }
    JsonObject job = AiJobsTest.finished(api, jobId, teacher.token());
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getJsonObject("result").getJsonArray("questions")).hasSize(1);
    assertThat(held.requests()).as("one generation paid for").isEqualTo(1);
  }

  private static void signal(String signal, Process process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
  }

  private static boolean noAiRoleLeft(TestNode core) {
    try {
      new BusClient(core.node().vertx(), 1_000).request(Ping.AI, new Ping()).await(5, TimeUnit.SECONDS);
      return false;
    } catch (ReplyException e) {
      return e.failureType() == ReplyFailure.NO_HANDLERS;
    } catch (Exception e) {
      return false;
    }
  }
}
