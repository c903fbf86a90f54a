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
 * is handed back. Another node takes the job up once the lease runs out and finishes it.
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
        "AI_TIMEOUT_MS", "600000",
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
