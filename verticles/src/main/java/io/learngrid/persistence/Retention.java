package io.learngrid.persistence;

import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows that have served their purpose: Idempotency-Keys past the time they are honoured,
 * refresh tokens {@value #REFRESH_TOKEN_GRACE_DAYS} days after they expired (until then a spent
 * token presented again still revokes its family), finished AI jobs and AI usage past their
 * retention, export files past their expiry, course events past LEARNGRID_EVENTS_RETENTION_HOURS. Every persistence node runs it at start and then hourly.
 *
 * <p>Rows go in batches, each its own short statement that skips rows locked by someone else, so
 * writers never wait on it and nodes running it at once share the work instead of queueing.
 */
final class Retention {

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  static final int REFRESH_TOKEN_GRACE_DAYS = 30;
  static final int BATCH = 5_000;

  /** Rows of {@code table} matching {@code expired} (its {@code $1} is {@code age}) are deleted. */
  private record Rule(String table, String expired, int age, String why, Counter deleted) {
    String delete() {
      return "DELETE FROM " + table + " WHERE ctid = ANY (ARRAY (SELECT ctid FROM " + table + " WHERE " + expired
          + " LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED))";
    }
  }

  private final Pool pool;
  private final List<Rule> rules;
  private boolean running;

  Retention(Pool pool, LearngridConfig.Retention settings, MeterRegistry registry) {
    this(pool, settings, 2, registry);
  }

  /** {@code eventHours}: course events older than this go (Last-Event-ID resumes within it). */
  Retention(Pool pool, LearngridConfig.Retention settings, int eventHours, MeterRegistry registry) {
    this.pool = pool;
    int hours = settings.idempotencyKeyHours();
    this.rules = List.of(
        rule(registry, "idempotency_keys", "created_at < now() - make_interval(hours => $1)", hours,
            "older than " + hours + " hours"),
        rule(registry, "refresh_tokens", "expires_at < now() - make_interval(days => $1)", REFRESH_TOKEN_GRACE_DAYS,
            "expired more than " + REFRESH_TOKEN_GRACE_DAYS + " days ago"),
        rule(registry, "jobs", "finished_at < now() - make_interval(days => $1)", settings.jobDays(),
            "finished more than " + settings.jobDays() + " days ago"),
        rule(registry, "ai_usage", "created_at < now() - make_interval(days => $1)", settings.aiUsageDays(),
            "older than " + settings.aiUsageDays() + " days"),
        // Their chunks go with them (ON DELETE CASCADE). The download refuses a file by its
        // expires_at already, so the hour this may lag behind is never visible.
        rule(registry, "export_files", "expires_at < now() - make_interval(days => $1)", 0, "expired"),
        rule(registry, "course_events", "occurred_at < now() - make_interval(hours => $1)", eventHours,
            "older than " + eventHours + " hours"));
  }

  private static Rule rule(MeterRegistry registry, String table, String expired, int age, String why) {
    Counter deleted = Counter.builder("learngrid.retention.deleted")
        .description("Rows deleted by retention (expired Idempotency-Keys, refresh tokens, jobs, AI usage, export files)")
        .tag("table", table)
        .register(registry);
    return new Rule(table, expired, age, why, deleted);
  }

  /** One pass over every table; a pass still going when the next is due makes that one a no-op. */
  Future<Void> run() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    Future<Void> pass = Future.succeededFuture();
    for (Rule rule : rules) {
      pass = pass.compose(v -> prune(rule, 0)
          .onSuccess(deleted -> {
            if (deleted > 0) {
              LOG.info("retention: deleted " + deleted + " rows of " + rule.table() + " (" + rule.why() + ")");
            }
          })
          .recover(failure -> {
            LOG.warn("retention of " + rule.table() + " failed (retried within the hour): "
                + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure);
            return Future.succeededFuture(0L);
          })
          .mapEmpty());
    }
    return pass.onComplete(done -> running = false);
  }

  private Future<Long> prune(Rule rule, long deletedSoFar) {
    return pool.preparedQuery(rule.delete()).execute(Tuple.of(rule.age())).compose(rows -> {
      int deleted = rows.rowCount();
      rule.deleted().increment(deleted);
      // A short batch can also mean others held the rest: they are deleting it.
      return deleted < BATCH
          ? Future.succeededFuture(deletedSoFar + deleted)
          : prune(rule, deletedSoFar + deleted);
    });
  }
}
