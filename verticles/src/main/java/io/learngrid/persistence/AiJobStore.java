package io.learngrid.persistence;

import io.learngrid.bus.jobs.AiJob;
import io.learngrid.bus.BusError;
import io.learngrid.bus.jobs.ClaimAiJobs;
import io.learngrid.bus.jobs.ClaimedAiJobs;
import io.learngrid.bus.jobs.CreateAiJob;
import io.learngrid.bus.Done;
import io.learngrid.bus.jobs.FinishAiJob;
import io.learngrid.bus.jobs.FinishedAiJob;
import io.learngrid.bus.jobs.GetAiJob;
import io.learngrid.bus.jobs.JobAccepted;
import io.learngrid.bus.jobs.ReleaseAiJobs;
import io.learngrid.bus.jobs.RenewAiJobLeases;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable AI job queue (table ai_jobs). The ai roles' workers claim, renew, finish and release
 * jobs through this store over the bus; they never open a pool of their own.
 */
final class AiJobStore {

  private static final Logger LOG = LoggerFactory.getLogger(AiJobStore.class);
  private static final long GAUGE_REFRESH_MILLIS = 5_000;

  private static final String QUEUED = "SELECT count(*) FROM ai_jobs WHERE status = 'queued'";
  private static final String INSERT = """
      INSERT INTO ai_jobs (id, owner_id, kind, status, input, max_attempts) VALUES ($1, $2, $3, 'queued', $4, $5)""";
  private static final String BY_ID = """
      SELECT id, kind, status, result, error, attempts, created_at, finished_at FROM ai_jobs
      WHERE id = $1 AND owner_id = $2""";
  // A running job whose lease ran out after its last attempt will not be tried again: it failed.
  private static final String EXPIRE = """
      UPDATE ai_jobs SET status = 'failed', finished_at = now(), lease_owner = NULL, lease_token = NULL,
        leased_until = NULL, error = 'the AI job was interrupted on its last attempt (its node stopped)'
      WHERE status = 'running' AND leased_until < now() AND attempts >= max_attempts""";
  // Oldest first; SKIP LOCKED lets every node's worker claim at once without waiting on each other.
  private static final String CLAIM = """
      WITH next AS (
        SELECT id FROM ai_jobs
        WHERE (status = 'queued' AND run_after <= now())
           OR (status = 'running' AND leased_until < now() AND attempts < max_attempts)
        ORDER BY run_after LIMIT $1 FOR UPDATE SKIP LOCKED)
      UPDATE ai_jobs j SET status = 'running', attempts = j.attempts + 1, lease_owner = $2,
        lease_token = gen_random_uuid(), leased_until = now() + $3 * interval '1 millisecond'
      FROM next WHERE j.id = next.id
      RETURNING j.id, j.owner_id, j.kind, j.input, j.attempts, j.max_attempts, j.lease_token, j.error""";
  private static final String RENEW = """
      UPDATE ai_jobs SET leased_until = now() + $2 * interval '1 millisecond'
      WHERE lease_token = ANY($1) AND status = 'running'""";
  // Every update below matches only the current claim (lease_token): the fence that makes a job
  // finish exactly once even when a node that lost its lease comes back with an answer.
  private static final String SUCCEED = """
      UPDATE ai_jobs SET status = 'succeeded', result = $3, error = NULL, finished_at = now(), lease_owner = NULL,
        lease_token = NULL, leased_until = NULL
      WHERE id = $1 AND lease_token = $2 AND status = 'running'
      RETURNING status""";
  private static final String FAIL_ATTEMPT = """
      UPDATE ai_jobs SET
        status = CASE WHEN $4 AND attempts < max_attempts THEN 'queued' ELSE 'failed' END,
        finished_at = CASE WHEN $4 AND attempts < max_attempts THEN NULL ELSE now() END,
        run_after = now() + $5 * interval '1 millisecond',
        error = $3, lease_owner = NULL, lease_token = NULL, leased_until = NULL
      WHERE id = $1 AND lease_token = $2 AND status = 'running'
      RETURNING status""";
  private static final String RELEASE = """
      UPDATE ai_jobs SET status = 'queued', attempts = attempts - 1, run_after = now(), lease_owner = NULL,
        lease_token = NULL, leased_until = NULL
      WHERE lease_token = ANY($1) AND status = 'running'""";

  private final Pool pool;
  private final LearngridConfig.AiJobs settings;
  private final AtomicLong queued = new AtomicLong();

  AiJobStore(Pool pool, LearngridConfig.AiJobs settings, MeterRegistry registry) {
    this.pool = pool;
    this.settings = settings;
    Gauge.builder("learngrid.ai.jobs.queued", queued, AtomicLong::get)
        .description("AI jobs waiting for a worker (cluster-wide, as last read from PostgreSQL)")
        .register(registry);
  }

  Future<Void> serve(Vertx vertx) {
    refreshGauge();
    vertx.setPeriodic(GAUGE_REFRESH_MILLIS, id -> refreshGauge());
    return Future.all(
        Rows.serve(vertx, CreateAiJob.ENDPOINT, request -> create(request)
            .onSuccess(accepted -> vertx.eventBus().publish(CreateAiJob.QUEUED, accepted.jobId()))),
        Rows.serve(vertx, GetAiJob.ENDPOINT, this::get),
        Rows.serve(vertx, ClaimAiJobs.ENDPOINT, this::claim),
        Rows.serve(vertx, RenewAiJobLeases.ENDPOINT, this::renew),
        Rows.serve(vertx, FinishAiJob.ENDPOINT, this::finish),
        Rows.serve(vertx, ReleaseAiJobs.ENDPOINT, this::release)).mapEmpty();
  }

  /**
   * The bound is checked in the inserting transaction: concurrent submissions may each see room and
   * overshoot it by at most their number, which is fine for a guard against unbounded backlog.
   */
  Future<JobAccepted> create(CreateAiJob request) {
    UUID owner = Rows.id(request.userId(), "user");
    return Idempotent.create(pool, request.userId(), request.idempotency(), accepted -> 202, JobAccepted.class,
        conn -> conn.query(QUEUED).execute().compose(count -> {
          long waiting = count.iterator().next().getLong(0);
          queued.set(waiting);
          if (waiting >= settings.maxQueued()) {
            return Future.failedFuture(BusError.UNAVAILABLE.exception(
                "too many AI jobs are queued (" + waiting + "); try again later"));
          }
          UUID id = TimeOrderedIds.next();
          return conn.preparedQuery(INSERT)
              .execute(Tuple.of(id, owner, request.kind(), request.input(), settings.maxAttempts()))
              .map(inserted -> new JobAccepted(id.toString()));
        }));
  }

  Future<AiJob> get(GetAiJob request) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(Rows.id(request.id(), "job"), Rows.id(request.userId(), "job")))
        .compose(rows -> Rows.one(rows, row -> new AiJob(row.getUUID("id").toString(), row.getString("kind"),
            row.getString("status"), (JsonObject) row.getValue("result"), row.getString("error"),
            row.getInteger("attempts"), Rows.timestamp(row, "created_at"), Rows.timestamp(row, "finished_at")),
            "job not found"));
  }

  Future<ClaimedAiJobs> claim(ClaimAiJobs request) {
    return pool.query(EXPIRE).execute()
        .compose(expired -> {
          if (expired.rowCount() > 0) {
            LOG.warn(expired.rowCount() + " AI job(s) failed: their node stopped during the last attempt");
          }
          return pool.preparedQuery(CLAIM).execute(Tuple.of(request.max(), request.owner(), request.leaseMillis()));
        })
        .map(rows -> {
          List<ClaimedAiJobs.Claimed> jobs = new ArrayList<>(rows.size());
          rows.forEach(row -> jobs.add(new ClaimedAiJobs.Claimed(row.getUUID("id").toString(),
              row.getUUID("owner_id").toString(), row.getString("kind"), (JsonObject) row.getValue("input"),
              row.getInteger("attempts"), row.getInteger("max_attempts"), row.getUUID("lease_token").toString(),
              row.getString("error"))));
          return new ClaimedAiJobs(jobs);
        });
  }

  Future<Done> renew(RenewAiJobLeases request) {
    if (request.leaseTokens() == null || request.leaseTokens().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    return pool.preparedQuery(RENEW).execute(Tuple.of(tokens(request.leaseTokens()), request.leaseMillis()))
        .map(Done.INSTANCE);
  }

  Future<FinishedAiJob> finish(FinishAiJob request) {
    UUID id = Rows.id(request.id(), "job");
    UUID token = Rows.id(request.leaseToken(), "lease");
    Future<RowSet<Row>> update = request.result() != null
        ? pool.preparedQuery(SUCCEED).execute(Tuple.of(id, token, request.result()))
        : pool.preparedQuery(FAIL_ATTEMPT).execute(Tuple.of(id, token, request.error(), request.retry(),
            request.retryAfterMillis()));
    return update.compose(rows -> rows.rowCount() == 0
        ? Future.failedFuture(BusError.CONFLICT.exception("the job's lease is no longer held by this attempt"))
        : Future.succeededFuture(new FinishedAiJob(rows.iterator().next().getString("status"))));
  }

  Future<Done> release(ReleaseAiJobs request) {
    if (request.leaseTokens() == null || request.leaseTokens().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    return pool.preparedQuery(RELEASE).execute(Tuple.of((Object) tokens(request.leaseTokens())))
        .map(released -> {
          if (released.rowCount() > 0) {
            LOG.info("released " + released.rowCount() + " AI job(s) back to the queue");
          }
          return Done.INSTANCE;
        });
  }

  private static UUID[] tokens(List<String> leaseTokens) {
    return leaseTokens.stream().map(token -> Rows.id(token, "lease")).toArray(UUID[]::new);
  }

  private void refreshGauge() {
    pool.query(QUEUED).execute().onSuccess(rows -> queued.set(rows.iterator().next().getLong(0)));
  }
}
