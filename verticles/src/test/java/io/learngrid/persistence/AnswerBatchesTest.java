package io.learngrid.persistence;

import io.learngrid.config.LearngridConfig;
import io.learngrid.bus.jobs.JobKinds;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Created;
import io.learngrid.persistence.AnswerBatches.Submission;
import io.learngrid.support.Database;
import io.learngrid.support.TestServices;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Group commit with Idempotency-Keys, no node: the batches over the test PostgreSQL, one batch at
 * a time, so that what queues behind a running batch is what the next one takes.
 */
@DisplayName("Answer batches: a key already in flight waits for a batch of its own")
class AnswerBatchesTest {

  private static final long QUEUE_WAIT_MILLIS = 300;

  private Vertx vertx;
  private Pool pool;
  private SimpleMeterRegistry registry;
  private AnswerBatches batches;
  private final List<UUID> events = new ArrayList<>();

  @BeforeEach
  void batches() throws Exception {
    vertx = Vertx.vertx();
    PgConnectOptions db = PgConnectOptions.fromUri(TestServices.postgresUrl());
    Migrations.run(vertx, db, null).await(1, TimeUnit.MINUTES);
    pool = PgBuilder.pool().connectingTo(db).using(vertx).build();
    registry = new SimpleMeterRegistry();
    LearngridConfig.Jobs jobs = new LearngridConfig.Jobs(Map.of(JobKinds.WEBHOOK,
        new LearngridConfig.JobKind(1_000, 0, 1, 10, 1_000, 1_000, 1_000, 1_000, 1_000)));
    batches = new AnswerBatches(vertx, pool, new CourseEvents(vertx, pool, jobs), 16, 1, QUEUE_WAIT_MILLIS, registry);
  }

  @AfterEach
  void close() throws Exception {
    // Nothing left for a node's aggregator to fold: the questions and courses here do not exist.
    for (UUID event : events) {
      Database.update("DELETE FROM pending_events WHERE event_id = ?", event);
    }
    pool.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Submission submission(UUID student, String key, String request, String who) {
    UUID event = UUID.randomUUID();
    events.add(event);
    return new Submission(event, OffsetDateTime.now(), student, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        1, "\"Paris\"", true, 2, false, key, key == null ? null : Buffer.buffer(request),
        new JsonObject().put("eventId", event.toString()).put("who", who), Promise.promise());
  }

  /** Adds the submissions in one go on the batches' event loop, as the persistence verticle does. */
  private List<Future<Created>> addAll(Submission... submissions) throws Exception {
    CompletableFuture<List<Future<Created>>> added = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<Created>> replies = new ArrayList<>();
      for (Submission submission : submissions) {
        replies.add(batches.add(submission));
      }
      added.complete(replies);
    });
    return added.get(10, TimeUnit.SECONDS);
  }

  private static Created reply(Future<Created> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private static long stored(Submission submission) {
    return ((Number) Database.value("SELECT count(*) FROM answer_events WHERE event_id = ?", submission.eventId()))
        .longValue();
  }

  private DistributionSummary batchSizes() {
    return registry.find("learngrid.answer.batch.size").summary();
  }

  @Test
  @DisplayName("a retry queued with its key in flight is not written beside the first: it replays the first's 202")
  void retryWaitsForTheFirstAndReplaysIt() throws Exception {
    UUID student = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    String key = "key-" + UUID.randomUUID();
    Submission running = submission(student, null, null, "running");
    Submission first = submission(student, key, "request", "first");
    Submission retry = submission(student, key, "request", "retry");
    // Another student's key with the same text is another key: it need not wait.
    Submission neighbour = submission(other, key, "request", "neighbour");

    List<Future<Created>> replies = addAll(running, first, retry, neighbour);

    Created firstReply = reply(replies.get(1));
    assertThat(firstReply.status()).isEqualTo(202);
    assertThat(firstReply.replayed()).isFalse();
    assertThat(firstReply.body()).isEqualTo(first.response());
    assertThat(reply(replies.get(3)).replayed()).isFalse();
    Created retryReply = reply(replies.get(2));
    assertThat(retryReply.replayed()).as("the retry replays").isTrue();
    assertThat(retryReply.status()).isEqualTo(202);
    assertThat(retryReply.body()).as("the first submission's response").isEqualTo(first.response());
    reply(replies.get(0));

    assertThat(stored(first)).isEqualTo(1);
    assertThat(stored(retry)).as("one event per key").isZero();
    assertThat(stored(neighbour)).isEqualTo(1);
    // [running], then [first, neighbour] while the retry waits, then [retry] alone.
    assertThat(batchSizes().count()).isEqualTo(3);
    assertThat(batchSizes().max()).isEqualTo(2);
    assertThat(registry.find("learngrid.answers.submitted").counter().count()).isEqualTo(3);
  }

  @Test
  @DisplayName("another request queued under a key in flight is refused with 422 once the first has committed")
  void otherRequestUnderAKeyInFlightIs422() throws Exception {
    UUID student = UUID.randomUUID();
    String key = "key-" + UUID.randomUUID();
    Submission running = submission(student, null, null, "running");
    Submission first = submission(student, key, "request", "first");
    Submission misuse = submission(student, key, "another request", "misuse");

    List<Future<Created>> replies = addAll(running, first, misuse);

    assertThat(reply(replies.get(1)).replayed()).isFalse();
    Future<Created> refused = replies.get(2);
    refused.transform(done -> Future.succeededFuture()).await(30, TimeUnit.SECONDS);
    assertThat(refused.cause()).isInstanceOfSatisfying(ReplyException.class,
        e -> assertThat(e.failureCode()).isEqualTo(BusError.UNPROCESSABLE.code()));
    assertThat(stored(first)).isEqualTo(1);
    assertThat(stored(misuse)).isZero();
  }

  @Test
  @DisplayName("while the table is locked, queued submissions fail with 503 after the queue wait; the batch already sent commits")
  void stalledDatabaseTurnsTheQueueInto503s() throws Exception {
    UUID student = UUID.randomUUID();
    Submission sent = submission(student, null, null, "sent");
    Submission queued = submission(student, null, null, "queued");
    try (Connection lock = Database.connect()) {
      lock.setAutoCommit(false);
      try (Statement statement = lock.createStatement()) {
        statement.execute("LOCK TABLE answer_events IN ACCESS EXCLUSIVE MODE");
      }
      // One batch at a time: the first is sent and waits for the lock, the second queues behind it.
      List<Future<Created>> replies = addAll(sent, queued);
      long added = System.nanoTime();
      Future<Created> late = replies.get(1);
      late.transform(done -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
      assertThat(late.cause()).isInstanceOfSatisfying(ReplyException.class,
          e -> assertThat(e.failureCode()).isEqualTo(BusError.UNAVAILABLE.code()));
      assertThat(System.nanoTime() - added).as("failed after the queue wait, not at once")
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(QUEUE_WAIT_MILLIS));
      assertThat(replies.get(0).isComplete()).as("the batch sent waits for the lock").isFalse();

      // The queue is empty again: the next one queues, waits, and fails the same way.
      Submission next = submission(student, null, null, "next");
      Future<Created> nextReply = addAll(next).get(0);
      nextReply.transform(done -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
      assertThat(nextReply.failed()).isTrue();
      lock.rollback();
      assertThat(reply(replies.get(0)).status()).isEqualTo(202);
      assertThat(stored(sent)).isEqualTo(1);
      assertThat(stored(queued)).isZero();
      assertThat(stored(next)).isZero();
    }
    assertThat(registry.find("learngrid.answers.refused").counter().count()).isEqualTo(2);
  }
}
