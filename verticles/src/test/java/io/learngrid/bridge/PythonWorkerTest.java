package io.learngrid.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.PythonWorkers;
import io.learngrid.support.ScriptedUpstream;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Python worker of workers/python, with the official openai SDK, takes the lesson-plan kind
 * over the TCP bridge from a node that runs the ai role but leaves that kind alone.
 */
@DisplayName("A Python worker over the bridge runs lesson plans, and a killed one's job is finished by the next")
class PythonWorkerTest {

  static final String SECRET = "python-worker-secret-0123456789abcdefgh";
  static final long LEASE_MS = 2_000;
  static ScriptedUpstream upstream;
  static TestNode node;
  static int port;
  static Path logs;

  @BeforeAll
  static void start() throws Exception {
    PythonWorkers.python();
    upstream = new ScriptedUpstream(new ScriptedUpstream.Reply("  1. Why volcanoes erupt (10 min)\n2. Model (25 min)\n"));
    port = TestServices.freePort();
    node = NodeSettings.defaults().aiUrl(upstream.url())
        .with("JOBS_LESSON_PLAN_CONCURRENCY", 0)
        .with("BRIDGE_PORT", port)
        .with("BRIDGE_SECRET", SECRET)
        .start();
    logs = TestServices.scratch("python-worker");
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    upstream.close();
  }

  @Test
  @DisplayName("the library's own unit tests pass (framing, reconnect, lease renewal, fencing)")
  void libraryUnitTests() throws Exception {
    Path log = logs.resolve("unittest.log");
    Process tests = new ProcessBuilder(PythonWorkers.python().toString(), "-m", "unittest", "discover", "-s", "tests", "-v")
        .directory(PythonWorkers.root().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(tests.waitFor(180, TimeUnit.SECONDS)).as("the unit tests finish").isTrue();
    String output = Files.readString(log);
    System.out.println(output);
    assertThat(tests.exitValue()).as(output).isZero();
    assertThat(output).contains("OK");
  }

  @Test
  @DisplayName("POST /ai/lesson-plans succeeds with the Python worker's result, asked upstream through the openai SDK")
  void lessonPlanByPython() throws Exception {
    upstream.play(new ScriptedUpstream.Reply("  1. Why volcanoes erupt (10 min)\n2. Model (25 min)\n"));
    Process worker = worker("python-a", SECRET);
    try {
      Api api = node.api();
      Account teacher = api.account("teacher");
      String jobId = lessonPlan(api, teacher);
      JsonObject job = finished(api, jobId, teacher.token());
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
      assertThat(job.getJsonObject("result"))
          .isEqualTo(new JsonObject().put("lessonPlan", "1. Why volcanoes erupt (10 min)\n2. Model (25 min)"));
      assertThat(upstream.userAgents()).anyMatch(agent -> agent.startsWith("OpenAI/Python"));
      assertThat(node.node().registry().scrape()).as("no Java runner took the kind")
          .doesNotContain("learngrid_jobs_total{kind=\"lesson-plan\"");
    } finally {
      stopped(worker);
    }
  }

  @Test
  @DisplayName("a worker SIGKILLed in the middle of a job: a restarted worker finishes it after the lease, as attempt 2")
  void killedWorker() throws Exception {
    Api api = node.api();
    Account teacher = api.account("teacher");
    upstream.play(new ScriptedUpstream.Hold());
    int before = upstream.requests();
    Process doomed = worker("python-doomed", SECRET);
    String jobId = lessonPlan(api, teacher);
    Eventually.within(60, () -> !doomed.isAlive() || upstream.requests() > before);
    assertThat(doomed.isAlive()).as("the doomed worker runs").isTrue();
    assertThat(api.get("/api/v1/jobs/" + jobId, teacher.token()).json().getString("status")).isEqualTo("running");
    doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    upstream.play(new ScriptedUpstream.Reply("second plan"));
    Process rescuer = worker("python-rescuer", SECRET);
    try {
      JsonObject job = finished(api, jobId, teacher.token());
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
      assertThat(job.getInteger("attempts")).isEqualTo(2);
      assertThat(job.getJsonObject("result").getString("lessonPlan")).isEqualTo("second plan");
    } finally {
      stopped(rescuer);
    }
    upstream.answerHeld(new ScriptedUpstream.Reply("too late"));
  }

  @Test
  @DisplayName("a worker with a wrong secret is refused, says so, and exits with code 2")
  void wrongSecret() throws Exception {
    Process worker = worker("python-wrong", SECRET + "-wrong");
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the worker gives up").isTrue();
    assertThat(worker.exitValue()).isEqualTo(2);
    assertThat(Files.readString(logs.resolve("python-wrong.log"))).containsIgnoringCase("authentication")
        .doesNotContain(SECRET);
  }

  private static String lessonPlan(Api api, Account teacher) {
    Reply accepted = api.post("/api/v1/ai/lesson-plans", new JsonObject().put("topic", "volcanoes " + UUID.randomUUID())
        .put("gradeLevel", "5").put("durationMinutes", 45), teacher.token());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    return accepted.json().getString("jobId");
  }

  private static JsonObject finished(Api api, String jobId, String token) throws InterruptedException {
    AtomicReference<JsonObject> job = new AtomicReference<>();
    Eventually.within(60, () -> {
      job.set(api.get("/api/v1/jobs/" + jobId, token).json());
      return List.of("succeeded", "failed").contains(job.get().getString("status"));
    });
    return job.get();
  }

  private static Process worker(String id, String secret) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("LEARNGRID_BRIDGE_HOST", "127.0.0.1");
    env.put("LEARNGRID_BRIDGE_PORT", Integer.toString(port));
    env.put("LEARNGRID_BRIDGE_SECRET", secret);
    env.put("LEARNGRID_AI_URL", upstream.url());
    env.put("LEARNGRID_WORKER_ID", id);
    env.put("LEARNGRID_WORKER_CONCURRENCY", "1");
    env.put("LEARNGRID_WORKER_LEASE_MS", Long.toString(LEASE_MS));
    env.put("LEARNGRID_WORKER_POLL_MS", "100");
    Path log = logs.resolve(id + ".log");
    System.out.println(id + " worker's log: " + log);
    return PythonWorkers.start("learngrid_worker.lesson_plan", env, log);
  }

  /** SIGTERM: the worker hands its jobs back and exits 0. */
  private static void stopped(Process worker) throws InterruptedException {
    worker.destroy();
    if (!worker.waitFor(30, TimeUnit.SECONDS)) {
      worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("the worker did not stop within 30 s of SIGTERM");
    }
    assertThat(worker.exitValue()).as("exit code after SIGTERM").isZero();
  }
}
