package io.learngrid.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.bus.jobs.ClaimedJobs;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.FinishJob;
import io.learngrid.bus.jobs.FinishedJob;
import io.learngrid.bus.jobs.JobAccepted;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The job runtime itself, with handlers of the test's own: runners of the {@code questions} kind
 * deployed by the test on nodes without the ai role, so nothing else claims those jobs.
 */
@DisplayName("The job runtime")
class JobRunnerTest {

  private final List<AutoCloseable> closing = new ArrayList<>();
  private NodeSettings settings;
  private TestNode core;
  private Api api;
  private Account teacher;

  @BeforeEach
  void startNode() {
    settings = NodeSettings.defaults().cluster(TestNode.newClusterName()).roles("http,persistence,cache")
        .aiJobsMaxQueued(100_000).aiJobsPollMillis(50).aiJobsBackoffMillis(10);
    core = settings.start();
    closing.add(core);
    // Other test classes' unfinished jobs would be claimed by this test's runners.
    Database.update("DELETE FROM jobs WHERE status IN ('queued', 'running')");
    api = core.api();
    teacher = api.account("teacher");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : closing.reversed()) {
      resource.close();
    }
    Database.update("DELETE FROM jobs WHERE status IN ('queued', 'running')");
  }

  @Test
  @DisplayName("runs every job exactly once when runners on two nodes race for them")
  void racingRunnersNeverRunAJobTwice() throws Exception {
    TestNode second = settings.roles("persistence").start();
    closing.add(second);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<String, Set<String>> byRunner = new ConcurrentHashMap<>();
    for (TestNode node : List.of(core, second)) {
      String runner = node.node().state().nodeId();
      Set<String> mine = ConcurrentHashMap.newKeySet();
      byRunner.put(runner, mine);
      deploy(node, job -> {
        runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
        mine.add(job.id());
        // A little work, so claims of the two runners interleave.
        Promise<JsonObject> done = Promise.promise();
        Vertx.currentContext().owner().setTimer(1 + ThreadLocalRandom.current().nextInt(5),
            id -> done.complete(new JsonObject().put("ranOn", runner)));
        return done.future();
      });
    }

    List<String> ids = enqueue(2_000);

    Eventually.within(120, () -> succeeded(ids) == ids.size());
    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(runs.values()).allMatch(count -> count.get() == 1);
    assertThat(byRunner.values()).as("both runners took jobs").allMatch(taken -> !taken.isEmpty());
    assertThat(core.node().registry().scrape()).containsPattern(
        "learngrid_jobs_total\\{kind=\"questions\",outcome=\"succeeded\"} [1-9][0-9]*\\.0");
  }

  @Test
  @DisplayName("claims the highest priority first, then the oldest")
  void claimsByPriorityThenAge() throws Exception {
    List<String> ids = enqueue(3);
    // The newest gets the highest priority; the two others keep theirs (0) and their order.
    Database.update("UPDATE jobs SET priority = 10 WHERE id = ?", UUID.fromString(ids.get(2)));
    BusClient bus = new BusClient(core.node().vertx(), 5_000);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ClaimedJobs claimed = bus.request(ClaimJobs.ENDPOINT, new ClaimJobs("by-hand", JobKinds.QUESTIONS, 1, 600_000))
          .await(10, TimeUnit.SECONDS);
      order.add(claimed.jobs().getFirst().id());
    }
    assertThat(order).containsExactly(ids.get(2), ids.get(0), ids.get(1));
  }

  @Test
  @DisplayName("shows a running job's progress to its owner, and the result once it finished")
  void showsProgressWhileRunning() throws Exception {
    Promise<JsonObject> finish = Promise.promise();
    Promise<Void> reported = Promise.promise();
    deploy(core, job -> {
      job.progress(3, 10).onComplete(reported);
      return finish.future();
    });
    String id = enqueue(1).getFirst();
    reported.future().await(30, TimeUnit.SECONDS);

    JsonObject running = api.get("/api/v1/jobs/" + id, teacher.token()).json();
    assertThat(running.getString("status")).isEqualTo("running");
    assertThat(running.getJsonObject("progress")).isEqualTo(new JsonObject().put("done", 3).put("total", 10));

    finish.complete(new JsonObject().put("answer", 42));
    Eventually.within(30, () -> "succeeded".equals(api.get("/api/v1/jobs/" + id, teacher.token()).json().getString("status")));
    JsonObject done = api.get("/api/v1/jobs/" + id, teacher.token()).json();
    assertThat(done.getJsonObject("result")).isEqualTo(new JsonObject().put("answer", 42));
    assertThat(done.containsKey("progress")).isFalse();
  }

  @Test
  @DisplayName("keeps a job its handler refuses for good as a dead letter with the reason, without retrying it")
  void permanentFailureIsADeadLetter() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    deploy(core, job -> {
      attempts.incrementAndGet();
      return Future.failedFuture(new JobFailure("the input names no course", false));
    });
    String id = enqueue(1).getFirst();
    Eventually.within(30, () -> "failed".equals(api.get("/api/v1/jobs/" + id, teacher.token()).json().getString("status")));
    JsonObject failed = api.get("/api/v1/jobs/" + id, teacher.token()).json();
    assertThat(failed.getString("error")).isEqualTo("the input names no course (gave up after attempt 1 of 3)");
    assertThat(failed.getInteger("attempts")).isEqualTo(1);
    assertThat(attempts).hasValue(1);
  }

  @Test
  @DisplayName("retries a job whose handler failed, and drops the job's secrets once it finished")
  void retriesAndForgetsSecrets() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    deploy(core, job -> attempts.incrementAndGet() == 1
        ? Future.failedFuture(new IllegalStateException("a passing fault"))
        : Future.succeededFuture(new JsonObject().put("sawSecret", job.input().getJsonObject("secrets").getString("token"))));
    JsonObject input = new JsonObject().put("topic", "x").put("secrets", new JsonObject().put("token", "s3cret"));
    String id = enqueue(List.of(input)).getFirst();
    Eventually.within(30, () -> "succeeded".equals(api.get("/api/v1/jobs/" + id, teacher.token()).json().getString("status")));
    JsonObject done = api.get("/api/v1/jobs/" + id, teacher.token()).json();
    assertThat(done.getInteger("attempts")).isEqualTo(2);
    assertThat(done.getJsonObject("result").getString("sawSecret")).isEqualTo("s3cret");
    assertThat(Database.value("SELECT input -> 'secrets' IS NOT NULL FROM jobs WHERE id = ?", UUID.fromString(id))).isEqualTo(false);
    assertThat(Database.value("SELECT input ->> 'topic' FROM jobs WHERE id = ?", UUID.fromString(id))).isEqualTo("x");
  }

  @Test
  @DisplayName("emails the owner of a roster or export job once it finished, and not on a retry")
  void emailsTheOwnerWhenALongJobFinished() throws Exception {
    BusClient bus = new BusClient(core.node().vertx(), 5_000);
    String retried = runningJob(JobKinds.EXPORT);
    bus.request(FinishJob.ENDPOINT, new FinishJob(retried, lease(retried), null, "a passing fault", true, 600_000))
        .await(10, TimeUnit.SECONDS);
    String finished = runningJob(JobKinds.ROSTER);
    FinishedJob outcome = bus.request(FinishJob.ENDPOINT, new FinishJob(finished, lease(finished),
        new JsonObject().put("created", 3), null, false, 0)).await(10, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo("succeeded");

    Object notices = Database.value("SELECT json_agg(input ORDER BY created_at)::text FROM jobs WHERE kind = 'email'"
        + " AND input -> 'vars' ->> 'jobId' IN (?, ?)", finished, retried);
    JsonObject notice = new io.vertx.core.json.JsonArray((String) notices).getJsonObject(0);
    assertThat(new io.vertx.core.json.JsonArray((String) notices)).hasSize(1);
    assertThat(notice.getString("to")).isEqualTo(teacher.email());
    assertThat(notice.getString("template")).isEqualTo("job-finished");
    assertThat(notice.getJsonObject("vars").getString("jobKind")).isEqualTo("roster");
    assertThat(notice.getJsonObject("vars").getString("status")).isEqualTo("succeeded");
  }

  /** A job of {@code kind} held by a claim of no runner (its lease far ahead), so only the test finishes it. */
  private String runningJob(String kind) {
    UUID id = UUID.randomUUID();
    Database.update("INSERT INTO jobs (id, owner_id, kind, status, input, attempts, max_attempts, lease_owner,"
        + " lease_token, leased_until) VALUES (?, ?, ?, 'running', '{}', 1, 3, 'the-test', gen_random_uuid(),"
        + " now() + interval '1 hour')", id, UUID.fromString(teacher.id()), kind);
    return id.toString();
  }

  private static String lease(String jobId) {
    return Database.value("SELECT lease_token::text FROM jobs WHERE id = ?", UUID.fromString(jobId)).toString();
  }

  private void deploy(TestNode node, JobHandler handler) throws Exception {
    LearngridConfig config = LearngridConfig.from(new SettingsReader(settings.toMap()));
    node.node().vertx().deployVerticle(new JobRunner(JobKinds.QUESTIONS, handler, config, node.node().registry(),
        node.node().state().nodeId())).await(30, TimeUnit.SECONDS);
  }

  private List<String> enqueue(int count) throws Exception {
    List<JsonObject> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inputs.add(new JsonObject().put("n", i));
    }
    return enqueue(inputs);
  }

  /** In order, one at a time, so creation order is the order of the list. */
  private List<String> enqueue(List<JsonObject> inputs) throws Exception {
    BusClient bus = new BusClient(core.node().vertx(), 10_000);
    List<String> ids = new ArrayList<>();
    for (JsonObject input : inputs) {
      JobAccepted accepted = bus.request(CreateJob.ENDPOINT, new CreateJob(teacher.id(), JobKinds.QUESTIONS, input, null))
          .await(10, TimeUnit.SECONDS);
      ids.add(accepted.jobId());
    }
    return ids;
  }

  private static long succeeded(List<String> ids) {
    return (Long) Database.value("SELECT count(*) FROM jobs WHERE id::text = ANY (string_to_array(?, ','))"
        + " AND status = 'succeeded'", String.join(",", ids));
  }
}
