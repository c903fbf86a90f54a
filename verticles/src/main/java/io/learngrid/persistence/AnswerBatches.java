package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Created;
import io.learngrid.bus.events.CourseEventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of answer events. While batches are being written, new submissions queue; as soon
 * as a batch commits, everything queued (up to the batch size) goes out as one statement, so one
 * commit (and one WAL flush) carries many answers. A submission's future completes only when its
 * batch has committed; a failed batch fails every submission in it, and none of them gets a 202.
 *
 * <p>The statement claims the Idempotency-Keys, stores the events and their pending rows at once:
 * an event whose key another request already claimed is not stored, and that request's stored
 * response is returned instead. Two submissions with the same (student, key) never travel in
 * batches that are written at the same time on this node; across nodes, PostgreSQL makes the
 * second claim wait for the first transaction's outcome.
 *
 * <p>A submission waits in the queue at most {@code queueWaitMillis}: past it the database is not
 * keeping up (a lock, a stall, a failover), and the submission fails with 503 + Retry-After at once
 * instead of holding its client until the bus timeout; while the oldest waiting submission is past
 * it, new ones are refused without queueing. Submissions already sent in a statement wait for it.
 *
 * <p>Used only on the persistence verticle's event loop.
 */
final class AnswerBatches {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerBatches.class);
  private static final String STALLED =
      "the database is not storing answers right now; retry it (with the same Idempotency-Key)";

  /** One graded submission waiting for its batch. {@code key} and {@code requestHash} are null without an Idempotency-Key. */
  record Submission(UUID eventId, OffsetDateTime submittedAt, UUID studentId, UUID courseId, UUID assignmentId,
                    UUID questionId, int keyVersion, String answerJson, boolean correct, int points, boolean late,
                    String key,
                    Buffer requestHash,
                    JsonObject response, Promise<Created> reply) {

    String keyId() {
      return key == null ? null : studentId + "\n" + key;
    }
  }

  // Keys are claimed in (user, key) order, so two batches that share keys cannot deadlock.
  // Answer keys (regrades): each event stores the key version it was graded with (from this
  // node's question cache). The FOR KEY SHARE on the batch's questions conflicts with the FOR
  // UPDATE that a key change takes first, so a key change either waits for this batch to commit
  // (and its regrade then sees these events), or commits first and this statement reads its new
  // version: an event graded with an older key then writes a regrade row in the same transaction,
  // and the question comes back in the result so that this node drops its cached key.
  private static final String INSERT_TEMPLATE = """
      WITH input AS (
        SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[],
                             $7::text[], $8::boolean[], $9::integer[], $10::text[], $11::bytea[], $12::text[],
                             $13::integer[], $14::boolean[], $15::text[])
          AS i (event_id, submitted_at, student_id, course_id, assignment_id, question_id,
                answer, correct, points, idem_key, idem_hash, response, key_version, late, event_data)
      ),
      keys AS MATERIALIZED (
        SELECT q.id, q.key_version FROM questions q
        WHERE q.id = ANY (ARRAY(SELECT DISTINCT question_id FROM input))
        ORDER BY q.id FOR KEY SHARE
      ),
      stale AS (
        INSERT INTO regrades (question_id, key_version)
        SELECT k.id, k.key_version FROM keys k
        WHERE EXISTS (SELECT 1 FROM input i WHERE i.question_id = k.id AND i.key_version < k.key_version)
        RETURNING question_id
      ),
      claimed AS (
        INSERT INTO idempotency_keys (user_id, key, request_hash, status, response)
        SELECT student_id, idem_key, idem_hash, 202, response::jsonb FROM input
        WHERE idem_key IS NOT NULL
        ORDER BY student_id, idem_key
        ON CONFLICT (user_id, key) DO NOTHING
        RETURNING user_id, key
      ),
      events AS (
        INSERT INTO answer_events (event_id, submitted_at, student_id, course_id, assignment_id, question_id,
                                   answer, correct, points_awarded, key_version, late)
        SELECT i.event_id, i.submitted_at, i.student_id, i.course_id, i.assignment_id, i.question_id,
               i.answer::jsonb, i.correct, i.points, i.key_version, i.late
        FROM input i
        WHERE i.idem_key IS NULL
           OR EXISTS (SELECT 1 FROM claimed c WHERE c.user_id = i.student_id AND c.key = i.idem_key)
        RETURNING event_id, submitted_at
      ),
      pending AS (
        INSERT INTO pending_events (event_id, submitted_at) SELECT event_id, submitted_at FROM events
      ),
      %s AS (
        SELECT i.course_id, '%s' AS type, e.submitted_at AS occurred_at, i.event_data::jsonb AS data,
               e.event_id::text AS ord
        FROM events e JOIN input i ON i.event_id = e.event_id
      ),
      %s
      SELECT e.event_id, NULL::uuid AS stale_question, %s FROM events e
      UNION ALL SELECT NULL, question_id, %s FROM stale
      UNION ALL SELECT NULL, NULL, %s FROM course_outbox o""";

  // A separate statement after the batch: the row that won a key may have been committed after the
  // batch statement's snapshot was taken, so the batch itself cannot read it.
  private static final String CLAIMED_BEFORE = """
      SELECT user_id, key, request_hash, status, response FROM idempotency_keys
      WHERE (user_id, key) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))""";

  private final Pool pool;
  private final CourseEvents courseEvents;
  private final String insert;
  private final int maxBatch;
  private final int maxConcurrent;
  private final int maxQueued;
  private final long queueWaitNanos;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final Set<String> keysInFlight = new HashSet<>();
  private final Counter submitted;
  private final DistributionSummary batchSizes;
  private final Timer batchDurations;
  private final Counter refused;
  private int running;
  private Consumer<UUID> staleKey = id -> {};

  private record Queued(Submission submission, long since) {}

  AnswerBatches(Vertx vertx, Pool pool, CourseEvents courseEvents, int maxBatch, int maxConcurrent, long queueWaitMillis,
                MeterRegistry registry) {
    this.pool = pool;
    this.courseEvents = courseEvents;
    // The batch's answer.submitted events go to the course event outbox in the same statement.
    this.insert = INSERT_TEMPLATE.formatted(CourseEvents.SOURCE, CourseEventTypes.ANSWER_SUBMITTED, courseEvents.append(),
        CourseEvents.NO_COLUMNS, CourseEvents.NO_COLUMNS, CourseEvents.COLUMNS);
    this.maxBatch = maxBatch;
    this.maxConcurrent = maxConcurrent;
    this.queueWaitNanos = TimeUnit.MILLISECONDS.toNanos(queueWaitMillis);
    // Bounded, so a database that has stopped answering turns into fast 503s instead of memory.
    this.maxQueued = Math.max(1_024, 4 * maxBatch * maxConcurrent);
    this.submitted = Counter.builder("learngrid.answers.submitted")
        .description("Answer events durably stored (replays of an Idempotency-Key not counted)")
        .register(registry);
    this.batchSizes = DistributionSummary.builder("learngrid.answer.batch.size")
        .description("Answers written per group-commit statement")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
        .register(registry);
    this.batchDurations = Timer.builder("learngrid.answer.batch.duration")
        .description("Time from sending a group-commit statement to its commit (or failure)")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
    this.refused = Counter.builder("learngrid.answers.refused")
        .description("Submissions answered 503 because the queue was full or had waited past LEARNGRID_ANSWER_QUEUE_WAIT_MS")
        .register(registry);
    // A timer of the persistence verticle: Vert.x cancels it when the verticle is undeployed.
    vertx.setPeriodic(Math.max(10, queueWaitMillis / 4), id -> expire(System.nanoTime()));
  }

  /** Submissions waiting for a batch on this node now. */
  int queued() {
    return queue.size();
  }

  /** Told of each question whose key this node graded with an outdated version. */
  void onStaleKey(Consumer<UUID> listener) {
    this.staleKey = listener;
  }

  Future<Created> add(Submission submission) {
    long now = System.nanoTime();
    if (queue.size() >= maxQueued) {
      refused.increment();
      return Future.failedFuture(BusError.UNAVAILABLE.exception("too many answers are waiting to be stored"));
    }
    if (!queue.isEmpty() && now - queue.peekFirst().since() > queueWaitNanos) {
      refused.increment();
      return Future.failedFuture(BusError.UNAVAILABLE.exception(STALLED));
    }
    queue.add(new Queued(submission, now));
    drain();
    return submission.reply().future();
  }

  /** Fails the submissions that have waited past the deadline: the queue is in arrival order. */
  private void expire(long now) {
    while (!queue.isEmpty() && now - queue.peekFirst().since() > queueWaitNanos) {
      refused.increment();
      queue.pollFirst().submission().reply().tryFail(BusError.UNAVAILABLE.exception(STALLED));
    }
  }

  private void drain() {
    while (running < maxConcurrent && !queue.isEmpty()) {
      List<Submission> batch = take();
      if (batch.isEmpty()) {
        return; // everything queued waits for a key that a running batch holds
      }
      running++;
      write(batch).onComplete(done -> {
        running--;
        for (Submission submission : batch) {
          if (submission.key() != null) {
            keysInFlight.remove(submission.keyId());
          }
        }
        drain();
      });
    }
  }

  /** Up to maxBatch queued submissions in arrival order, skipping those whose key is already in flight. */
  private List<Submission> take() {
    List<Submission> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    Iterator<Queued> it = queue.iterator();
    while (it.hasNext() && batch.size() < maxBatch) {
      Submission submission = it.next().submission();
      if (submission.key() != null && !keysInFlight.add(submission.keyId())) {
        continue;
      }
      it.remove();
      batch.add(submission);
    }
    return batch;
  }

  private Future<Void> write(List<Submission> batch) {
    batchSizes.record(batch.size());
    long started = System.nanoTime();
    return pool.preparedQuery(insert).execute(tuple(batch)).transform(written -> {
      batchDurations.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (written.failed()) {
        LOG.warn("answer batch of " + batch.size() + " not stored: " + describe(written.cause()));
        failAll(batch, "the answer could not be stored; retry it (with the same Idempotency-Key)");
        return Future.succeededFuture();
      }
      courseEvents.published(written.result());
      return settle(batch, written.result()).recover(failure -> {
        LOG.warn("answer batch of " + batch.size() + " stored, but its replayed Idempotency-Keys could not be read: "
            + describe(failure));
        failAll(batch, "the answer's earlier response could not be read; retry it with the same Idempotency-Key");
        return Future.succeededFuture();
      });
    });
  }

  /** Fails every submission of the batch that has no outcome yet. */
  private static void failAll(List<Submission> batch, String detail) {
    for (Submission submission : batch) {
      submission.reply().tryFail(BusError.UNAVAILABLE.exception(detail));
    }
  }

  private static String describe(Throwable failure) {
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  private Future<Void> settle(List<Submission> batch, RowSet<Row> rows) {
    Set<UUID> stored = new HashSet<>(rows.size() * 2);
    for (Row row : rows) {
      UUID eventId = row.getUUID(0);
      if (eventId != null) {
        stored.add(eventId);
      } else if (row.getUUID(1) != null) {
        staleKey.accept(row.getUUID(1));
      }
    }
    submitted.increment(stored.size());
    List<Submission> replayed = new ArrayList<>();
    for (Submission submission : batch) {
      if (stored.contains(submission.eventId())) {
        submission.reply().complete(new Created(202, submission.response(), false));
      } else {
        replayed.add(submission);
      }
    }
    return replayed.isEmpty() ? Future.succeededFuture() : replay(replayed);
  }

  /** Submissions whose key another request claimed first: its response, or 422 for another request. */
  private Future<Void> replay(List<Submission> submissions) {
    UUID[] users = new UUID[submissions.size()];
    String[] keys = new String[submissions.size()];
    for (int i = 0; i < users.length; i++) {
      users[i] = submissions.get(i).studentId();
      keys[i] = submissions.get(i).key();
    }
    return pool.preparedQuery(CLAIMED_BEFORE).execute(Tuple.wrap(new Object[] {users, keys})).map(rows -> {
      Map<String, Row> claims = new HashMap<>();
      for (Row row : rows) {
        claims.put(row.getUUID("user_id") + "\n" + row.getString("key"), row);
      }
      for (Submission submission : submissions) {
        Row claim = submission.key() == null ? null : claims.get(submission.keyId());
        if (claim == null) {
          submission.reply().fail(BusError.UNAVAILABLE.exception("the answer could not be stored; retry it"));
        } else if (!claim.getBuffer("request_hash").equals(submission.requestHash())) {
          submission.reply().fail(BusError.UNPROCESSABLE.exception(
              "this Idempotency-Key was already used for a different request"));
        } else {
          submission.reply().complete(new Created(claim.getInteger("status"), claim.getJsonObject("response"), true));
        }
      }
      return null;
    });
  }

  private static Tuple tuple(List<Submission> batch) {
    int n = batch.size();
    UUID[] eventIds = new UUID[n];
    OffsetDateTime[] submittedAt = new OffsetDateTime[n];
    UUID[] students = new UUID[n];
    UUID[] courses = new UUID[n];
    UUID[] assignments = new UUID[n];
    UUID[] questions = new UUID[n];
    String[] answers = new String[n];
    Boolean[] correct = new Boolean[n];
    Integer[] points = new Integer[n];
    String[] keys = new String[n];
    Buffer[] hashes = new Buffer[n];
    String[] responses = new String[n];
    Integer[] keyVersions = new Integer[n];
    Boolean[] late = new Boolean[n];
    String[] eventData = new String[n];
    for (int i = 0; i < n; i++) {
      Submission s = batch.get(i);
      eventIds[i] = s.eventId();
      submittedAt[i] = s.submittedAt();
      students[i] = s.studentId();
      courses[i] = s.courseId();
      assignments[i] = s.assignmentId();
      questions[i] = s.questionId();
      answers[i] = s.answerJson();
      correct[i] = s.correct();
      points[i] = s.points();
      keyVersions[i] = s.keyVersion();
      late[i] = s.late();
      eventData[i] = new JsonObject().put("studentId", s.studentId().toString())
          .put("assignmentId", s.assignmentId().toString()).put("questionId", s.questionId().toString())
          .put("correct", s.correct()).put("late", s.late()).put("submittedAt", s.submittedAt().toInstant().toString())
          .encode();
      if (s.key() != null) {
        keys[i] = s.key();
        hashes[i] = s.requestHash();
        responses[i] = s.response().encode();
      }
    }
    return Tuple.wrap(new Object[] {eventIds, submittedAt, students, courses, assignments, questions, answers,
        correct, points, keys, hashes, responses, keyVersions, late, eventData});
  }
}
