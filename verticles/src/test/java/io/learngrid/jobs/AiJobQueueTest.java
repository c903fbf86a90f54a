package io.learngrid.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.bus.jobs.ClaimedJobs;
import io.learngrid.bus.jobs.FinishJob;
import io.learngrid.bus.jobs.FinishedJob;
import io.learngrid.bus.jobs.ReleaseJobs;
import io.learngrid.bus.jobs.RenewJobLeases;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node without the ai role: jobs stay queued, so the queue bound shows, and the test itself plays
 * the workers of two nodes over the bus to show what the leases guarantee.
 */
@DisplayName("The AI job queue")
@LearngridNode
class AiJobQueueTest {

  private static final int MAX_QUEUED = 3;
  private static final NodeSettings settings = NodeSettings.defaults().roles("http,persistence,cache").aiUrl(null)
      .aiJobsMaxQueued(MAX_QUEUED);
  private final TestNode node;
  private final Api api;

  AiJobQueueTest(TestNode node) {
    this.node = node;
    this.api = node.api();
  }

  @AfterAll
  static void stop() {
    emptyQueue();
  }

  /** The tests share one database: what other classes left unfinished must not count against the bound. */
  @BeforeEach
  void emptyQueueFirst() {
    emptyQueue();
  }

  private static void emptyQueue() {
    Database.update("DELETE FROM jobs WHERE status IN ('queued', 'running')");
  }

  private <Q extends BusMessage, R extends BusMessage> R bus(Endpoint<Q, R> endpoint, Q message)
      throws Exception {
    Future<R> future = new BusClient(node.node().vertx(), 5_000).request(endpoint, message);
    return future.await(10, TimeUnit.SECONDS);
  }

  private String submit(Account teacher) {
    Reply accepted = api.post("/api/v1/ai/questions", AiJobsTest.questionsRequest(1), teacher.token());
    assertThat(accepted.status()).isEqualTo(202);
    return accepted.json().getString("jobId");
  }

  @Test
  @DisplayName("when the queue is full a new job is refused at once with 503 and Retry-After")
  void boundedQueue() {
    Account teacher = api.account("teacher");
    for (int i = 0; i < MAX_QUEUED; i++) {
      submit(teacher);
    }
    Reply refused = api.post("/api/v1/ai/questions", AiJobsTest.questionsRequest(1), teacher.token());
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotBlank();
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().getString("detail")).contains("too many questions jobs are queued");
    assertThat(api.get("/metrics", null).body()).containsPattern("learngrid_jobs_queued(\\{[^}]*})? 3\\.0");
  }

  @Test
  @DisplayName("a job whose lease ran out is claimed again, and only the new lease holder can finish it")
  void leaseExpiryAndFencing() throws Exception {
    Account teacher = api.account("teacher");
    String jobId = submit(teacher);

    ClaimedJobs first = bus(ClaimJobs.ENDPOINT, new ClaimJobs("node-a", "questions", 10, 1));
    assertThat(first.jobs()).extracting(ClaimedJobs.Claimed::id).containsExactly(jobId);
    ClaimedJobs.Claimed a = first.jobs().getFirst();
    assertThat(a.attempt()).isEqualTo(1);
    assertThat(api.get("/api/v1/jobs/" + jobId, teacher.token()).json().getString("status")).isEqualTo("running");

    // node-a's 1 ms lease has run out by the time node-b asks (it "died"): node-b gets the job.
    ClaimedJobs.Claimed b = claimFor("node-b", jobId);
    assertThat(b.attempt()).isEqualTo(2);
    assertThat(b.leaseToken()).isNotEqualTo(a.leaseToken());

    JsonObject lateResult = new JsonObject().put("questions", new JsonArray());
    assertThatThrownBy(() -> bus(FinishJob.ENDPOINT, new FinishJob(jobId, a.leaseToken(), lateResult, null, false, 0)))
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(e.failureCode()).isEqualTo(BusError.CONFLICT.code()));

    JsonObject result = new JsonObject().put("questions", new JsonArray().add(new JsonObject().put("prompt", "p")
        .put("kind", "text").put("answer", "a").put("points", 1)));
    FinishedJob done = bus(FinishJob.ENDPOINT, new FinishJob(jobId, b.leaseToken(), result, null, false, 0));
    assertThat(done.status()).isEqualTo("succeeded");
    // Finishing twice is refused too: a job finishes exactly once.
    assertThatThrownBy(() -> bus(FinishJob.ENDPOINT, new FinishJob(jobId, b.leaseToken(), lateResult, null, false, 0)))
        .isInstanceOf(ReplyException.class);

    JsonObject job = api.get("/api/v1/jobs/" + jobId, teacher.token()).json();
    assertThat(job.getString("status")).isEqualTo("succeeded");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getJsonObject("result")).isEqualTo(result);
  }

  @Test
  @DisplayName("a renewed lease keeps the job with its holder after the first lease would have run out")
  void renewedLeaseHolds() throws Exception {
    Account teacher = api.account("teacher");
    String jobId = submit(teacher);
    ClaimedJobs claimed = bus(ClaimJobs.ENDPOINT, new ClaimJobs("busy-node", "questions", 10, 1));
    assertThat(claimed.jobs()).extracting(ClaimedJobs.Claimed::id).containsExactly(jobId);

    bus(RenewJobLeases.ENDPOINT, new RenewJobLeases(List.of(claimed.jobs().getFirst().leaseToken()), 600_000));

    assertThat(bus(ClaimJobs.ENDPOINT, new ClaimJobs("other-node", "questions", 10, 600_000)).jobs())
        .isEmpty();
  }

  @Test
  @DisplayName("a job handed back by a draining node is queued again at once, its interrupted attempt not counted")
  void releaseHandsBack() throws Exception {
    Account teacher = api.account("teacher");
    String jobId = submit(teacher);
    ClaimedJobs.Claimed held = claimFor("draining-node", jobId);
    // A long lease: only the hand-back can make the job claimable again.
    bus(ReleaseJobs.ENDPOINT, new ReleaseJobs(List.of(held.leaseToken())));

    JsonObject job = api.get("/api/v1/jobs/" + jobId, teacher.token()).json();
    assertThat(job.getString("status")).isEqualTo("queued");
    assertThat(job.getInteger("attempts")).isZero();
    ClaimedJobs.Claimed again = claimFor("other-node", jobId);
    assertThat(again.attempt()).isEqualTo(1);
  }

  private ClaimedJobs.Claimed claimFor(String owner, String jobId) throws Exception {
    ClaimedJobs claimed = bus(ClaimJobs.ENDPOINT, new ClaimJobs(owner, "questions", 10, 600_000));
    assertThat(claimed.jobs()).extracting(ClaimedJobs.Claimed::id).containsExactly(jobId);
    return claimed.jobs().getFirst();
  }
}
