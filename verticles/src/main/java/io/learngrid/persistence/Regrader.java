package io.learngrid.persistence;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.answers.Progress;
import io.learngrid.bus.cache.CacheIncrement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Regrades a question's answer events after its key changed, on every persistence node (open
 * regrade rows are claimed with SKIP LOCKED, one question at a time under an advisory lock).
 *
 * <p>Invariant: for every (student, question), question_scores holds attempts = the number of the
 * events that are no longer pending, and correct / best_points / last_event_at = bool_or / max over
 * the question's events; and a question has an open regrade row while any of its events was graded
 * with an older key than questions.key_version. One pass, in one transaction:
 * <ol>
 *   <li>regrades (in Java, with {@link Grader}, as at submission) the events whose key_version is
 *       older than the current one;
 *   <li>claims (deletes) the question's pending events, waiting for a fold that holds some: after
 *       this no fold can still be folding one of them with the grade it read before the regrade;
 *   <li>locks the question's score rows, then sets correct and best_points from all the events and
 *       adds the claimed events to attempts. bool_or and max do not mind seeing an event twice, so
 *       events that arrive later and are folded by the aggregator do not count double; attempts do
 *       not change on a regrade, so only claimed events add to them;
 *   <li>closes the regrade rows up to this version only if, in the same statement, no event of the
 *       question is stale. An event graded with an old key that commits later carries its own
 *       regrade row (AnswerBatches), invisible to that statement, so it stays open for the next pass.
 * </ol>
 */
final class Regrader {

  private static final Logger LOG = LoggerFactory.getLogger(Regrader.class);
  private static final String STATEMENT_TIMEOUT = "SET LOCAL statement_timeout = '30s'";
  private static final String PICK = """
      SELECT question_id FROM regrades WHERE done_at IS NULL ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED""";
  private static final String EXCLUSIVE = "SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 35))";
  private static final String KEY = "SELECT assignment_id, kind, answer, points, key_version FROM questions WHERE id = $1";
  // A page per pass, so a question with a million attempts never holds them all in memory nor
  // grades them in one go on the event loop; the regrade row stays open until none is left, and the
  // next pass (one interval later) takes the next page. 5,000 a pass is 20,000 a second.
  private static final int STALE_PAGE = 5_000;
  private static final String STALE = """
      SELECT event_id, submitted_at, answer FROM answer_events WHERE question_id = $1 AND key_version < $2
      LIMIT $3""";
  private static final String REGRADE = """
      UPDATE answer_events e SET correct = u.correct, points_awarded = u.points, key_version = $5
      FROM unnest($1::uuid[], $2::timestamptz[], $3::boolean[], $4::integer[]) AS u (event_id, submitted_at, correct, points)
      WHERE e.event_id = u.event_id AND e.submitted_at = u.submitted_at""";
  // FOR UPDATE without SKIP LOCKED: a pending row that a fold holds is waited for (and then gone).
  private static final String CLAIM_PENDING = """
      DELETE FROM pending_events WHERE event_id = ANY (ARRAY(
        SELECT p.event_id FROM pending_events p
        JOIN answer_events e ON e.event_id = p.event_id AND e.submitted_at = p.submitted_at
        WHERE e.question_id = $1 ORDER BY p.event_id FOR UPDATE OF p))
      RETURNING event_id, submitted_at""";
  // In (student_id, question_id) order, like the aggregator's upsert, so the two cannot deadlock.
  private static final String LOCK_SCORES = """
      SELECT 1 FROM question_scores WHERE assignment_id = $2 AND question_id = $1 ORDER BY student_id FOR UPDATE""";
  private static final String REFOLD = """
      WITH claimed AS (
        SELECT * FROM unnest($3::uuid[], $4::timestamptz[]) AS c (event_id, submitted_at)
      ),
      added AS (
        SELECT e.student_id, count(*)::int AS attempts FROM claimed c
        JOIN answer_events e ON e.event_id = c.event_id AND e.submitted_at = c.submitted_at
        GROUP BY e.student_id
      ),
      touched AS (
        SELECT student_id FROM question_scores WHERE assignment_id = $2 AND question_id = $1
        UNION SELECT student_id FROM added
      ),
      truth AS (
        SELECT e.student_id, e.assignment_id, e.course_id, bool_or(e.correct) AS correct,
               max(e.points_awarded) AS best_points, max(e.submitted_at) AS last_event_at
        FROM answer_events e WHERE e.question_id = $1 AND e.student_id IN (SELECT student_id FROM touched)
        GROUP BY e.student_id, e.assignment_id, e.course_id
      )
      INSERT INTO question_scores AS s (student_id, question_id, assignment_id, course_id, attempts, correct,
                                        best_points, last_event_at)
      SELECT t.student_id, $1, t.assignment_id, t.course_id, coalesce(a.attempts, 0), t.correct, t.best_points,
             t.last_event_at
      FROM truth t LEFT JOIN added a ON a.student_id = t.student_id
      ORDER BY t.student_id
      ON CONFLICT (student_id, question_id) DO UPDATE SET
        attempts = s.attempts + EXCLUDED.attempts,
        correct = EXCLUDED.correct,
        best_points = EXCLUDED.best_points,
        last_event_at = GREATEST(s.last_event_at, EXCLUDED.last_event_at)""";
  private static final String CLOSE = """
      UPDATE regrades SET done_at = now()
      WHERE question_id = $1 AND done_at IS NULL AND key_version <= $2
        AND NOT EXISTS (SELECT 1 FROM answer_events WHERE question_id = $1 AND key_version < $2)
      RETURNING id""";

  private record Outcome(boolean worked, boolean closed) {}

  private final Vertx vertx;
  private final Pool pool;
  private final BusClient cache;
  private final long intervalMillis;
  private final Counter regraded;
  private long timer = -1;
  private boolean stopped;

  Regrader(Vertx vertx, Pool pool, long intervalMillis, MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.cache = new BusClient(vertx, DeliveryOptions.DEFAULT_TIMEOUT);
    this.intervalMillis = intervalMillis;
    this.regraded = Counter.builder("learngrid.answers.regraded")
        .description("Answer events regraded after their question's key changed, by this node")
        .register(registry);
  }

  void start() {
    schedule(false);
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
    pool.withTransaction(conn -> conn.query(STATEMENT_TIMEOUT).execute().compose(v -> pass(conn)))
        .onComplete(done -> {
          if (done.failed()) {
            LOG.warn("regrade pass failed (retried): " + done.cause().getClass().getSimpleName() + ": "
                + done.cause().getMessage(), done.cause());
            schedule(false);
            return;
          }
          if (done.result().worked()) {
            // Cached progress is keyed by the aggregation version: this retires it (as a fold does).
            cache.request(CacheIncrement.ENDPOINT, new CacheIncrement(Progress.VERSION_KEY, 86_400))
                .onFailure(failure -> LOG.debug("progress version not bumped: " + failure.getMessage()));
          }
          // An open row left open (a stale event arrived meanwhile) is retried after the interval.
          schedule(done.result().worked() && done.result().closed());
        });
  }

  private Future<Outcome> pass(SqlConnection conn) {
    return conn.query(PICK).execute().compose(picked -> {
      if (picked.size() == 0) {
        return Future.succeededFuture(new Outcome(false, false));
      }
      UUID questionId = picked.iterator().next().getUUID(0);
      return conn.preparedQuery(EXCLUSIVE).execute(Tuple.of(questionId.toString())).compose(lock -> {
        if (!lock.iterator().next().getBoolean(0)) {
          return Future.succeededFuture(new Outcome(false, false)); // another node is regrading it
        }
        return conn.preparedQuery(KEY).execute(Tuple.of(questionId)).compose(keys -> {
          if (keys.size() == 0) {
            return Future.succeededFuture(new Outcome(false, false));
          }
          return regrade(conn, questionId, keys.iterator().next());
        });
      });
    });
  }

  private Future<Outcome> regrade(SqlConnection conn, UUID questionId, Row key) {
    UUID assignmentId = key.getUUID("assignment_id");
    String kind = key.getString("kind");
    Object answer = key.getValue("answer");
    int points = key.getInteger("points");
    int version = key.getInteger("key_version");
    return conn.preparedQuery(STALE).execute(Tuple.of(questionId, version, STALE_PAGE)).compose(stale -> {
      int n = stale.size();
      UUID[] ids = new UUID[n];
      OffsetDateTime[] at = new OffsetDateTime[n];
      Boolean[] correct = new Boolean[n];
      Integer[] awarded = new Integer[n];
      int i = 0;
      for (Row row : stale) {
        ids[i] = row.getUUID("event_id");
        at[i] = row.getOffsetDateTime("submitted_at");
        correct[i] = Grader.correct(kind, answer, row.getValue("answer"));
        awarded[i] = correct[i] ? points : 0;
        i++;
      }
      regraded.increment(n);
      Future<?> updated = n == 0 ? Future.succeededFuture()
          : conn.preparedQuery(REGRADE).execute(Tuple.wrap(new Object[] {ids, at, correct, awarded, version}));
      return updated;
    }).compose(v -> conn.preparedQuery(CLAIM_PENDING).execute(Tuple.of(questionId))).compose(claimed -> {
      List<UUID> ids = new ArrayList<>(claimed.size());
      List<OffsetDateTime> at = new ArrayList<>(claimed.size());
      for (Row row : claimed) {
        ids.add(row.getUUID(0));
        at.add(row.getOffsetDateTime(1));
      }
      return conn.preparedQuery(LOCK_SCORES).execute(Tuple.of(questionId, assignmentId))
          .compose(locked -> conn.preparedQuery(REFOLD).execute(Tuple.wrap(new Object[] {questionId, assignmentId,
              ids.toArray(UUID[]::new), at.toArray(OffsetDateTime[]::new)})));
    }).compose(v -> conn.preparedQuery(CLOSE).execute(Tuple.of(questionId, version)))
        .map(closed -> new Outcome(true, closed.size() > 0));
  }

  /** At once after a pass that closed its work (there may be more), else after the interval. */
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
}
