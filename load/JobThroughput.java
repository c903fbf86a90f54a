// Job-system throughput and latency with an empty handler: how many jobs one node claims, runs and
// finishes per second, and how long a job waits from its enqueue to its handler's start, with 1, 10
// and 100 producers queueing at once. One JVM: an embedded PostgreSQL, a node with only the
// persistence role (so no other runner of the kind exists), and a JobRunner of the `questions` kind
// whose handler does nothing. Run from the checkout, after ./mvnw package (load/bench-jobs.sh does both):
//
//   $JAVA_HOME/bin/java -cp verticles/target/learngrid.jar load/JobThroughput.java [jobsPerRound] [dataDir]
//
// Producers each queue jobs one after another over the event bus (learngrid.jobs.create, the path
// an HTTP POST takes) until the round's jobs are queued; the round ends when every job finished.
import io.learngrid.Node;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.dev.EmbeddedPostgres;
import io.learngrid.jobs.JobRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

public class JobThroughput {

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path data = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("learngrid-bench-jobs");
    EmbeddedPostgres pg = EmbeddedPostgres.start(data.resolve("pg-bin"),
        data.resolve("pg"), 54391);
    Map<String, String> settings = Map.of(
        "LEARNGRID_PG_URL", pg.url(),
        "LEARNGRID_ROLES", "persistence",
        "LEARNGRID_JWT_SECRET", "bench-secret-bench-secret-bench-secret-01",
        "LEARNGRID_AI_JOBS_MAX_QUEUED", "1000000",
        "LEARNGRID_AI_JOBS_CONCURRENCY", System.getProperty("concurrency", "64"));
    LearngridConfig config = LearngridConfig.from(new SettingsReader(settings));
    Node node = Node.start(config).await(2, TimeUnit.MINUTES);
    BusClient bus = new BusClient(node.vertx(), 30_000);
    String owner = bus.request(CreateUser.ENDPOINT, new CreateUser("bench-" + System.nanoTime() + "@bench.local",
        "x", "Bench", "teacher", null, null)).await(30, TimeUnit.SECONDS).id();

    // The handler only records when it started; the enqueue time travels in the input.
    long[] waits = new long[jobs];
    AtomicInteger started = new AtomicInteger();
    AtomicReference<CountDownLatch> allStarted = new AtomicReference<>();
    node.vertx().deployVerticle(new JobRunner(JobKinds.QUESTIONS, job -> {
      int n = started.getAndIncrement();
      if (n < waits.length) {
        waits[n] = System.nanoTime() - job.input().getLong("queuedAt");
        allStarted.get().countDown();
      }
      return Future.succeededFuture(new JsonObject());
    }, config, node.registry(), node.state().nodeId())).await(30, TimeUnit.SECONDS);

    System.out.printf("machine: %d cores, %s %s; jobs per round %,d; runner concurrency %d%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"), jobs,
        config.jobs().kind(JobKinds.QUESTIONS).concurrency());
    for (int producers : List.of(1, 10, 100)) {
      started.set(0);
      Arrays.fill(waits, 0);
      allStarted.set(new CountDownLatch(jobs));
      AtomicInteger queued = new AtomicInteger();
      CountDownLatch finished = new CountDownLatch(producers);
      long begin = System.nanoTime();
      for (int p = 0; p < producers; p++) {
        node.vertx().runOnContext(v -> produce(bus, owner, jobs, queued, finished));
      }
      finished.await(10, TimeUnit.MINUTES);
      long enqueued = System.nanoTime();
      allStarted.get().await(10, TimeUnit.MINUTES);
      // Every handler started; the last outcomes are recorded within a bus hop of it.
      long end = System.nanoTime();
      long[] sorted = Arrays.copyOf(waits, jobs);
      Arrays.sort(sorted);
      System.out.printf("RESULT producers=%d jobs=%d enqueue_per_s=%.0f run_per_s=%.0f wait_p50_ms=%.1f wait_p99_ms=%.1f wait_max_ms=%.1f%n",
          producers, jobs, jobs / ((enqueued - begin) / 1e9), jobs / ((end - begin) / 1e9),
          sorted[jobs / 2] / 1e6, sorted[(int) (jobs * 0.99)] / 1e6, sorted[jobs - 1] / 1e6);
    }
    node.stop().await(1, TimeUnit.MINUTES);
    pg.close();
    System.exit(0);
  }

  /** One producer: queues jobs one after another until the round's count is reached. */
  private static void produce(BusClient bus, String owner, int jobs, AtomicInteger queued, CountDownLatch finished) {
    if (queued.getAndIncrement() >= jobs) {
      finished.countDown();
      return;
    }
    bus.request(CreateJob.ENDPOINT, new CreateJob(owner, JobKinds.QUESTIONS,
            new JsonObject().put("queuedAt", System.nanoTime()), null))
        .onComplete(accepted -> {
          if (accepted.failed()) {
            System.err.println("enqueue failed: " + accepted.cause().getMessage());
          }
          produce(bus, owner, jobs, queued, finished);
        });
  }
}
