package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.bus.jobs.ClaimedJobs;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.FinishJob;
import io.learngrid.bus.jobs.FinishedJob;
import io.learngrid.bus.jobs.GetJob;
import io.learngrid.bus.jobs.Job;
import io.learngrid.bus.jobs.JobAccepted;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.bus.jobs.ReleaseJobs;
import io.learngrid.bus.jobs.RenewJobLeases;
import io.learngrid.bus.jobs.ReportJobProgress;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable job queue (table jobs) of every kind. The kinds' runners claim, renew, finish and
 * release jobs through this store over the bus; they never open a pool of their own. Stores that
 * must queue a job together with their own change (a reset token and the email carrying it) call
 * {@link #enqueue} in their transaction and {@link #announce} after it commits.
 */
final class JobStore {

  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);
  private static final long GAUGE_REFRESH_MILLIS = 5_000;

  private static final String QUEUED = """
      SELECT count(*) FROM (SELECT 1 FROM jobs WHERE kind = $1 AND status = 'queued' LIMIT $2) waiting""";
  private static final String INSERT = """
      INSERT INTO jobs (id, owner_id, kind, status, priority, input, max_attempts)
      VALUES ($1, $2, $3, 'queued', $4, $5, $6)""";
  private static final String INSERT_ALL = """
      INSERT INTO jobs (id, owner_id, kind, status, priority, input, max_attempts)
      SELECT r.id, r.owner, $2, 'queued', $3, r.input, $4 FROM jsonb_to_recordset($1) AS r(id uuid, owner uuid, input jsonb)""";
  private static final String BY_ID = """
      SELECT id, kind, status, result, error, attempts, progress_done, progress_total, created_at, finished_at
      FROM jobs WHERE id = $1 AND owner_id = $2""";
  // A running job whose lease ran out after its last attempt will not be tried again: it failed.
  private static final String EXPIRE = """
      UPDATE jobs SET status = 'failed', finished_at = now(), lease_owner = NULL, lease_token = NULL,
        leased_until = NULL, input = input - 'secrets',
        error = 'the job was interrupted on its last attempt (its node stopped)'
      WHERE kind = $1 AND status = 'running' AND leased_until < now() AND attempts >= max_attempts""";
  // Jobs whose node died first, then the queued ones by highest priority and then age. Each part
  // walks the index in its own order (one ORDER BY over both would sort the whole backlog on every
  // claim); SKIP LOCKED lets every node's runner claim at once without waiting on each other.
  private static final String CLAIM = """
      WITH stale AS (
        SELECT id FROM jobs
        WHERE kind = $1 AND status = 'running' AND leased_until < now() AND attempts < max_attempts
        LIMIT $2 FOR UPDATE SKIP LOCKED),
      fresh AS (
        SELECT id FROM jobs
        WHERE kind = $1 AND status = 'queued' AND run_after <= now()
        ORDER BY priority DESC, run_after LIMIT $2 FOR UPDATE SKIP LOCKED),
      next AS (SELECT id FROM stale UNION ALL SELECT id FROM fresh LIMIT $2)
      UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, lease_owner = $3,
        lease_token = gen_random_uuid(), leased_until = now() + $4 * interval '1 millisecond'
      FROM next WHERE j.id = next.id
      RETURNING j.id, j.owner_id, j.kind, j.input, j.attempts, j.max_attempts, j.lease_token, j.error""";
  private static final String RENEW = """
      UPDATE jobs SET leased_until = now() + $2 * interval '1 millisecond'
      WHERE lease_token = ANY($1) AND status = 'running'""";
  // Every update below matches only the current claim (lease_token): the fence that makes a job
  // finish exactly once even when a node that lost its lease comes back with an answer.
  private static final String PROGRESS = """
      UPDATE jobs SET progress_done = $3, progress_total = $4
      WHERE id = $1 AND lease_token = $2 AND status = 'running'""";
  private static final String SUCCEED = """
      UPDATE jobs SET status = 'succeeded', result = $3, error = NULL, finished_at = now(), lease_owner = NULL,
        lease_token = NULL, leased_until = NULL, input = input - 'secrets'
      WHERE id = $1 AND lease_token = $2 AND status = 'running'
      RETURNING id, status, owner_id, kind""";
  private static final String FAIL_ATTEMPT = """
      UPDATE jobs SET
        status = CASE WHEN $4 AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
        finished_at = CASE WHEN $4 AND attempts < max_attempts THEN NULL ELSE now() END,
        input = CASE WHEN $4 AND attempts < max_attempts THEN input ELSE input - 'secrets' END,
        run_after = now() + $5 * interval '1 millisecond',
        error = $3, lease_owner = NULL, lease_token = NULL, leased_until = NULL
      WHERE id = $1 AND lease_token = $2 AND status = 'running'
      RETURNING id, status, owner_id, kind""";
  private static final String SUCCEED_AND_NOTIFY = withNotice(SUCCEED, 4);
  private static final String FAIL_AND_NOTIFY = withNotice(FAIL_ATTEMPT, 6);
  private static final String RELEASE = """
      UPDATE jobs SET status = 'queued', attempts = attempts - 1, run_after = now(), lease_owner = NULL,
        lease_token = NULL, leased_until = NULL
      WHERE lease_token = ANY($1) AND status = 'running'""";
  // The oldest job that is due: one waiting out a retry's backoff is not late, the runners are not behind.
  private static final String GAUGES = """
      SELECT kind, count(*) FILTER (WHERE status = 'queued') AS queued,
        count(*) FILTER (WHERE status = 'running') AS running,
        coalesce(extract(epoch FROM now() - min(run_after) FILTER (WHERE status = 'queued' AND run_after <= now())),
          0) AS oldest
      FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind""";

  private final Pool pool;
  private Vertx vertx;
  private final LearngridConfig.Jobs settings;
  private final Map<String, KindGauges> gauges = new HashMap<>();

  JobStore(Pool pool, LearngridConfig.Jobs settings, MeterRegistry registry) {
    this.pool = pool;
    this.settings = settings;
    settings.kinds().keySet().forEach(kind -> gauges.put(kind, new KindGauges(kind, registry)));
  }

  Future<Void> serve(Vertx vertx) {
    this.vertx = vertx;
    refreshGauges();
    vertx.setPeriodic(GAUGE_REFRESH_MILLIS, id -> refreshGauges());
    return Future.all(List.of(
        Rows.serve(vertx, CreateJob.ENDPOINT, request -> create(request)
            .onSuccess(accepted -> announce(vertx, request.kind()))),
        Rows.serve(vertx, GetJob.ENDPOINT, this::get),
        Rows.serve(vertx, ClaimJobs.ENDPOINT, this::claim),
        Rows.serve(vertx, RenewJobLeases.ENDPOINT, this::renew),
        Rows.serve(vertx, ReportJobProgress.ENDPOINT, this::progress),
        Rows.serve(vertx, FinishJob.ENDPOINT, this::finish),
        Rows.serve(vertx, ReleaseJobs.ENDPOINT, this::release))).mapEmpty();
  }

  /**
   * Queues a job in the caller's transaction (no queue bound: the caller's change already happened
   * and its job must not be refused); {@link #announce} it once the transaction committed.
   */
  static Future<UUID> enqueue(SqlClient conn, LearngridConfig.Jobs settings, UUID owner, String kind,
                              JsonObject input, int priorityBoost) {
    LearngridConfig.JobKind kindSettings = settings.kind(kind);
    UUID id = TimeOrderedIds.next();
    return conn.preparedQuery(INSERT)
        .execute(Tuple.of(id, owner, kind, kindSettings.priority() + priorityBoost, input, kindSettings.maxAttempts()))
        .map(inserted -> id);
  }

  /**
   * Queues one job of {@code kind} per element of {@code jobs} ({@code {owner, input}}) in one
   * statement, inside the caller's transaction. Jobs a job makes (a roster's emails) are bounded by
   * that job's own input and are not held to the kind's queue bound.
   */
  static Future<Void> enqueueAll(SqlClient conn, LearngridConfig.Jobs settings, String kind, JsonArray jobs,
                                 int priorityBoost) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture();
    }
    LearngridConfig.JobKind kindSettings = settings.kind(kind);
    JsonArray rows = new JsonArray();
    for (Object job : jobs) {
      rows.add(((JsonObject) job).copy().put("id", TimeOrderedIds.next().toString()));
    }
    return conn.preparedQuery(INSERT_ALL)
        .execute(Tuple.of(rows, kind, kindSettings.priority() + priorityBoost, kindSettings.maxAttempts()))
        .mapEmpty();
  }

  /** Wakes the runners of {@code kind}: a job of it was queued (they also poll, so a lost publish only delays). */
  static void announce(Vertx vertx, String kind) {
    vertx.eventBus().publish(CreateJob.QUEUED, kind);
  }

  /**
   * The bound is checked against the queued count of the kind as this node last read it (every 5 s)
   * plus the jobs it queued since, not by counting in PostgreSQL on every job: a count costs as much
   * as the backlog is long, exactly when the backlog is long. Only when that estimate reaches the
   * bound is the queue counted (up to the bound) before a refusal. Nodes queueing at once may
   * overshoot the bound by what they queue within one refresh, which is fine for a guard against
   * unbounded backlog.
   */
  Future<JobAccepted> create(CreateJob request) {
    UUID owner = Rows.id(request.userId(), "user");
    LearngridConfig.JobKind kind = settings.kinds().get(request.kind());
    if (kind == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("unknown job kind"));
    }
    KindGauges gauge = gauges.get(request.kind());
    Future<Void> room = gauge.queued.get() < kind.maxQueued() ? Future.succeededFuture()
        // Only when the estimate says full is the queue counted, no further than the bound.
        : pool.preparedQuery(QUEUED).execute(Tuple.of(request.kind(), kind.maxQueued())).compose(count -> {
          long waiting = count.iterator().next().getLong(0);
          gauge.queued.set(waiting);
          return waiting < kind.maxQueued() ? Future.succeededFuture() : Future.failedFuture(BusError.UNAVAILABLE
              .exception("too many " + request.kind() + " jobs are queued (" + waiting + "); try again later"));
        });
    return room.compose(free -> Idempotent.create(pool, request.userId(), request.idempotency(), accepted -> 202, JobAccepted.class,
            conn -> enqueue(conn, settings, owner, request.kind(), request.input(), 0)
                .map(id -> new JobAccepted(id.toString()))))
        .onSuccess(accepted -> gauge.queued.incrementAndGet());
  }

  Future<Job> get(GetJob request) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(Rows.id(request.id(), "job"), Rows.id(request.userId(), "job")))
        .compose(rows -> Rows.one(rows, JobStore::job, "job not found"));
  }

  private static Job job(Row row) {
    String status = row.getString("status");
    Long total = row.getLong("progress_total");
    Job.Progress progress = status.equals("running") && total != null
        ? new Job.Progress(row.getLong("progress_done"), total) : null;
    return new Job(row.getUUID("id").toString(), row.getString("kind"), status, (JsonObject) row.getValue("result"),
        row.getString("error"), row.getInteger("attempts"), progress, Rows.timestamp(row, "created_at"),
        Rows.timestamp(row, "finished_at"));
  }

  Future<ClaimedJobs> claim(ClaimJobs request) {
    return pool.preparedQuery(EXPIRE).execute(Tuple.of(request.kind()))
        .compose(expired -> {
          if (expired.rowCount() > 0) {
            LOG.warn(expired.rowCount() + " " + request.kind() + " job(s) failed: their node stopped during the last attempt");
          }
          return pool.preparedQuery(CLAIM)
              .execute(Tuple.of(request.kind(), request.max(), request.owner(), request.leaseMillis()));
        })
        .map(rows -> {
          List<ClaimedJobs.Claimed> jobs = new ArrayList<>(rows.size());
          rows.forEach(row -> jobs.add(new ClaimedJobs.Claimed(row.getUUID("id").toString(),
              row.getUUID("owner_id").toString(), row.getString("kind"), (JsonObject) row.getValue("input"),
              row.getInteger("attempts"), row.getInteger("max_attempts"), row.getUUID("lease_token").toString(),
              row.getString("error"))));
          return new ClaimedJobs(jobs);
        });
  }

  Future<Done> renew(RenewJobLeases request) {
    if (request.leaseTokens() == null || request.leaseTokens().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    return pool.preparedQuery(RENEW).execute(Tuple.of(tokens(request.leaseTokens()), request.leaseMillis()))
        .map(Done.INSTANCE);
  }

  Future<Done> progress(ReportJobProgress request) {
    return pool.preparedQuery(PROGRESS)
        .execute(Tuple.of(Rows.id(request.id(), "job"), Rows.id(request.leaseToken(), "lease"), request.done(),
            request.total()))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(BusError.CONFLICT.exception("the job's lease is no longer held by this attempt"))
            : Future.succeededFuture(Done.INSTANCE));
  }

  /**
   * The outcome and, for the kinds whose owner waits on a long job (JobKinds.NOTIFY_OWNER), the
   * job-finished email, in one statement: the notice exists exactly when the job finished.
   */
  Future<FinishedJob> finish(FinishJob request) {
    UUID id = Rows.id(request.id(), "job");
    UUID token = Rows.id(request.leaseToken(), "lease");
    LearngridConfig.JobKind email = settings.kind(JobKinds.EMAIL);
    LearngridConfig.JobKind webhook = settings.kind(JobKinds.WEBHOOK);
    Future<RowSet<Row>> update = request.result() != null
        ? pool.preparedQuery(SUCCEED_AND_NOTIFY).execute(Tuple.of(id, token, request.result(), TimeOrderedIds.next(),
            JobKinds.NOTIFY_OWNER.toArray(String[]::new), email.priority(), email.maxAttempts())
            .addValue(webhook.priority()).addValue(webhook.maxAttempts()))
        : pool.preparedQuery(FAIL_AND_NOTIFY).execute(Tuple.of(id, token, request.error(), request.retry(),
            request.retryAfterMillis(), TimeOrderedIds.next(), JobKinds.NOTIFY_OWNER.toArray(String[]::new))
            .addValue(email.priority()).addValue(email.maxAttempts())
            .addValue(webhook.priority()).addValue(webhook.maxAttempts()));
    return update.compose(rows -> {
      if (rows.rowCount() == 0) {
        return Future.failedFuture(BusError.CONFLICT.exception("the job's lease is no longer held by this attempt"));
      }
      Row row = rows.iterator().next();
      if (row.getLong("notices") > 0) {
        announce(vertx, JobKinds.EMAIL);
      }
      if (row.getLong("hooks") > 0) {
        announce(vertx, JobKinds.WEBHOOK);
      }
      return Future.succeededFuture(new FinishedJob(row.getString("status")));
    });
  }

  /**
   * {@code update} (RETURNING id, status, owner_id, kind), the owner's job-finished email (from
   * parameter {@code $n} on), and a job.finished delivery for each webhook subscribed to it: not for
   * the deliveries themselves (a webhook's finished delivery would announce itself without end).
   * The event's id is derived from the job's, the same for every webhook and every retry.
   */
  private static String withNotice(String update, int n) {
    return "WITH done AS (" + update + """
        ),
        job_hooks AS (
          INSERT INTO jobs (id, owner_id, kind, status, priority, input, max_attempts)
          SELECT gen_random_uuid(), w.created_by, 'webhook', 'queued', $%5$d,
            jsonb_build_object('webhookId', w.id, 'event', jsonb_build_object(
              'id', md5('job.finished/' || done.id::text)::uuid, 'type', 'job.finished',
              'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'data', jsonb_build_object('jobId', done.id, 'kind', done.kind, 'status', done.status,
                'ownerId', done.owner_id))), $%6$d
          FROM done JOIN webhooks w ON 'job.finished' = ANY (w.events) AND w.disabled_at IS NULL
          WHERE done.status IN ('succeeded', 'failed') AND done.kind <> 'webhook'
          RETURNING 1),
        notice AS (
          INSERT INTO jobs (id, owner_id, kind, status, priority, input, max_attempts)
          SELECT $%1$d, u.id, 'email', 'queued', $%3$d, jsonb_build_object('to', u.email, 'template', 'job-finished',
            'vars', jsonb_build_object('jobKind', done.kind, 'jobId', done.id, 'status', done.status,
              'displayName', u.display_name)), $%4$d
          FROM done JOIN users u ON u.id = done.owner_id
          WHERE done.kind = ANY($%2$d) AND done.status IN ('succeeded', 'failed')
            AND u.status = 'active' AND u.erased_at IS NULL
          RETURNING 1)
        SELECT done.status, (SELECT count(*) FROM notice) AS notices, (SELECT count(*) FROM job_hooks) AS hooks
        FROM done""".formatted(n, n + 1, n + 2, n + 3, n + 4, n + 5);
  }

  Future<Done> release(ReleaseJobs request) {
    if (request.leaseTokens() == null || request.leaseTokens().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    return pool.preparedQuery(RELEASE).execute(Tuple.of((Object) tokens(request.leaseTokens())))
        .map(released -> {
          if (released.rowCount() > 0) {
            LOG.info("released " + released.rowCount() + " job(s) back to the queue");
          }
          return Done.INSTANCE;
        });
  }

  private static UUID[] tokens(List<String> leaseTokens) {
    return leaseTokens.stream().map(token -> Rows.id(token, "lease")).toArray(UUID[]::new);
  }

  private void refreshGauges() {
    pool.query(GAUGES).execute().onSuccess(rows -> {
      Map<String, Row> byKind = new HashMap<>();
      rows.forEach(row -> byKind.put(row.getString("kind"), row));
      gauges.forEach((kind, gauge) -> gauge.set(byKind.get(kind)));
    });
  }

  /** Per kind, as last read from PostgreSQL (cluster-wide: every persistence node reports the same). */
  private static final class KindGauges {
    final AtomicLong queued = new AtomicLong();
    final AtomicLong running = new AtomicLong();
    final AtomicLong oldestSeconds = new AtomicLong();

    KindGauges(String kind, MeterRegistry registry) {
      Gauge.builder("learngrid.jobs.queued", queued, AtomicLong::get).tag("kind", kind)
          .description("Jobs waiting for a runner, cluster-wide").register(registry);
      Gauge.builder("learngrid.jobs.running", running, AtomicLong::get).tag("kind", kind)
          .description("Jobs an attempt holds, cluster-wide").register(registry);
      Gauge.builder("learngrid.jobs.oldest.age", oldestSeconds, AtomicLong::get).tag("kind", kind)
          .baseUnit("seconds").description("How long the oldest due queued job has waited for a runner").register(registry);
    }

    void set(Row row) {
      queued.set(row == null ? 0 : row.getLong("queued"));
      running.set(row == null ? 0 : row.getLong("running"));
      oldestSeconds.set(row == null ? 0 : Math.round(row.getNumeric("oldest").doubleValue()));
    }
  }
}
