package io.learngrid.persistence;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.cache.CacheIncrement;
import io.learngrid.bus.answers.Progress;
import io.learngrid.bus.events.CourseEventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds answer events into question_scores. Each run is one statement in a transaction of its
 * own: it deletes up to N pending events (skipping rows another aggregator has locked), looks up
 * their events and upserts the scores. An event is folded exactly once however many nodes run
 * this: the delete and the upsert commit or roll back together, and a deleted row is gone for
 * everyone. A full batch means there is more to do, so the next run starts at once; otherwise
 * it starts after the interval, which bounds how stale progress is under normal load.
 */
final class AnswerAggregator {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerAggregator.class);
  private static final long GAUGE_REFRESH_MILLIS = 1_000;

  // The claim is DELETE ... WHERE event_id IN (SELECT ... FOR UPDATE SKIP LOCKED LIMIT n), written
  // as a MATERIALIZED CTE so that the locking subquery runs exactly once (as an IN subquery the
  // planner may put it on the inner side of a join and run it again per row), and as = ANY(ARRAY)
  // so that the delete probes the primary key instead of scanning a backlog. The batch size is
  // inlined (a validated integer), so the planner sizes the plan for it. The LATERAL ... LIMIT 1
  // keeps the join a primary-key lookup per claimed event (pruned to one partition at run time):
  // as a plain join, the planner hashes all of answer_events instead. Scores are upserted in key
  // order, so two aggregators that touch the same scores cannot deadlock.
  // A progress.updated per (student, assignment) whose scores this run changed goes to the course
  // event outbox in the same transaction: it exists exactly when the fold committed.
  private static final String FOLD = """
      picked AS MATERIALIZED (
        SELECT event_id FROM pending_events ORDER BY submitted_at LIMIT %d FOR UPDATE SKIP LOCKED
      ),
      claimed AS (
        DELETE FROM pending_events WHERE event_id = ANY (ARRAY(SELECT event_id FROM picked))
        RETURNING event_id, submitted_at
      ),
      folded AS (
        SELECT e.student_id, e.question_id, e.assignment_id, e.course_id,
               count(*)::int AS attempts, bool_or(e.correct) AS correct,
               max(e.points_awarded) AS best_points, max(e.submitted_at) AS last_event_at
        FROM claimed c CROSS JOIN LATERAL (
          SELECT * FROM answer_events e WHERE e.event_id = c.event_id AND e.submitted_at = c.submitted_at LIMIT 1
        ) e
        GROUP BY e.student_id, e.question_id, e.assignment_id, e.course_id
      ),
      upserted AS (
        INSERT INTO question_scores AS s (student_id, question_id, assignment_id, course_id, attempts, correct,
                                          best_points, last_event_at)
        SELECT * FROM folded ORDER BY student_id, question_id
        ON CONFLICT (student_id, question_id) DO UPDATE SET
          attempts = s.attempts + EXCLUDED.attempts,
          correct = s.correct OR EXCLUDED.correct,
          best_points = GREATEST(s.best_points, EXCLUDED.best_points),
          last_event_at = GREATEST(s.last_event_at, EXCLUDED.last_event_at)
        RETURNING course_id, student_id, assignment_id
      ),
      %s AS (
        SELECT DISTINCT course_id, '%s' AS type, now() AS occurred_at,
               jsonb_build_object('studentId', student_id, 'assignmentId', assignment_id) AS data,
               student_id::text || assignment_id::text AS ord
        FROM upserted
      )""";
  private static final String SUMMARY = "(SELECT count(*) FROM claimed) AS events, (SELECT count(*) FROM upserted) AS scores";
  private static final String PENDING = "SELECT count(*) FROM pending_events";
  private static final String OLDEST = "SELECT coalesce(min(submitted_at), now()) FROM pending_events";
  private static final String STATEMENT_TIMEOUT = "SET LOCAL statement_timeout = '10s'";

  private final Vertx vertx;
  /** Vert.x's default deadline, as when the bump was a bare event-bus request. */
  private final BusClient cache;
  private final Pool pool;
  private final CourseEvents courseEvents;
  private final String fold;
  private final int batchSize;
  private final long intervalMillis;
  private final Counter aggregated;
  private final AtomicLong pending = new AtomicLong();
  private String watermark;
  private long timer = -1;
  private long gaugeRefreshedAt;
  private boolean failing;
  private boolean stopped;

  AnswerAggregator(Vertx vertx, Pool pool, CourseEvents courseEvents, int batchSize, long intervalMillis,
                   MeterRegistry registry) {
    this.vertx = vertx;
    this.cache = new BusClient(vertx, DeliveryOptions.DEFAULT_TIMEOUT);
    this.pool = pool;
    this.courseEvents = courseEvents;
    this.fold = courseEvents.statement(
        FOLD.formatted(batchSize, CourseEvents.SOURCE, CourseEventTypes.PROGRESS_UPDATED), SUMMARY);
    this.batchSize = batchSize;
    this.intervalMillis = intervalMillis;
    this.aggregated = Counter.builder("learngrid.events.aggregated")
        .description("Answer events folded into question_scores by this node")
        .register(registry);
    Gauge.builder("learngrid.events.pending", pending, AtomicLong::get)
        .description("Answer events not yet folded (whole database, refreshed by the aggregator about once a second)")
        .strongReference(true)
        .register(registry);
  }

  /** Computes the first watermark; then folds until stopped. */
  Future<Void> start() {
    return refreshWatermark().onSuccess(v -> run());
  }

  /**
   * Every event committed before this was computed and submitted before it is folded: the
   * submission time of the oldest pending event, or the time of the check when none was pending.
   * Refreshed after each successful run, so it only moves forward when folding works.
   */
  String watermark() {
    return watermark;
  }

  private Future<Void> refreshWatermark() {
    return pool.query(OLDEST).execute()
        .map(rows -> {
          watermark = rows.iterator().next().getOffsetDateTime(0).toInstant().toString();
          return null;
        });
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void run() {
    timer = -1;
    if (stopped) {
      return;
    }
    // A run that takes far longer than normal (a bad plan, a lock) is cancelled and retried:
    // its transaction rolls back, so its events stay pending and nothing is folded twice.
    pool.withTransaction(conn -> conn.query(STATEMENT_TIMEOUT).execute().compose(set -> conn.query(fold).execute()))
        .map(rows -> {
          courseEvents.published(rows);
          return rows.iterator().next().getLong("events");
        })
        .onComplete(done -> {
          if (done.failed()) {
            failed(done.cause());
            schedule(false);
            return;
          }
          long events = done.result();
          aggregated.increment(events);
          if (events > 0) {
            bumpProgressVersion();
          }
          recovered();
          refreshGauge(events == batchSize);
          refreshWatermark().onComplete(refreshed -> schedule(events == batchSize));
        });
  }

  /**
   * Cached progress is keyed by this version, so every fold retires every cached progress at once
   * ("until the next aggregation"). A progress computed before the fold can only be stored under
   * the old version, which no reader asks for again. A cache that is down has nothing to retire.
   */
  private void bumpProgressVersion() {
    cache.request(CacheIncrement.ENDPOINT, new CacheIncrement(Progress.VERSION_KEY, 86_400))
        .onFailure(failure -> LOG.debug("progress version not bumped: " + failure.getMessage()));
  }

  /** At once after a full batch (there is more), else after the interval. */
  private void schedule(boolean atOnce) {
    if (stopped) {
      return;
    }
    if (atOnce) {
      vertx.runOnContext(v -> run());
    } else {
      timer = vertx.setTimer(intervalMillis, id -> run());
    }
  }

  /** The gauge at most once a second; a full batch means the count is large, and counting it costs more. */
  private void refreshGauge(boolean busy) {
    long now = System.currentTimeMillis();
    if (now - gaugeRefreshedAt < GAUGE_REFRESH_MILLIS * (busy ? 5 : 1)) {
      return;
    }
    gaugeRefreshedAt = now;
    pool.query(PENDING).execute().onSuccess(rows -> pending.set(rows.iterator().next().getLong(0)));
  }

  /** One line when folding starts to fail and one when it works again, not one per attempt. */
  private void failed(Throwable failure) {
    if (!failing && !stopped) {
      failing = true;
      LOG.warn("answer aggregator failed, retrying every " + intervalMillis + " ms: "
          + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure);
    }
  }

  private void recovered() {
    if (failing) {
      failing = false;
      LOG.info("answer aggregator works again");
    }
  }
}
