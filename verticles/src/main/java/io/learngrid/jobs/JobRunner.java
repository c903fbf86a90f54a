package io.learngrid.jobs;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.BusFailure;
import io.learngrid.bus.jobs.ClaimJobs;
import io.learngrid.bus.jobs.ClaimedJobs;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.FinishJob;
import io.learngrid.bus.jobs.FinishedJob;
import io.learngrid.bus.jobs.ReleaseJobs;
import io.learngrid.bus.jobs.RenewJobLeases;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one kind on this node: claims them from the persistence role (on a publish when
 * one of its kind is queued, and by a slow poll for retries and jobs whose node died), hands each to
 * the kind's {@link JobHandler}, and reports the outcome under the job's lease, which it renews while
 * the attempt runs. At most {@code concurrency} jobs of the kind run at once here, so a kind with
 * long jobs (exports) never takes the slots of another (password-reset emails). On stop it hands
 * the jobs it holds back to the queue, so a draining node loses nothing.
 */
public final class JobRunner extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final int MAX_CLAIM = 32;

  private final String kind;
  private final JobHandler handler;
  private final LearngridConfig.JobKind settings;
  private final long busTimeout;
  private final MeterRegistry registry;
  private final String nodeId;
  /** Jobs this node runs, by lease token; touched only on this verticle's event loop. */
  private final Map<String, ClaimedJobs.Claimed> held = new HashMap<>();
  private final Map<String, Counter> outcomes = new HashMap<>();
  private final Map<String, Timer> durations = new HashMap<>();
  private BusClient persistence;
  private MessageConsumer<String> wakeups;
  private long pollTimer;
  private long renewTimer;
  private boolean claiming;
  private boolean claimAgain;
  private boolean claimsFailing;
  private boolean stopping;

  public JobRunner(String kind, JobHandler handler, LearngridConfig config, MeterRegistry registry, String nodeId) {
    this.kind = kind;
    this.handler = handler;
    this.settings = config.jobs().kind(kind);
    this.busTimeout = config.busTimeoutMillis();
    this.registry = registry;
    this.nodeId = nodeId;
  }

  /**
   * One runner per kind, each with its own slots, so one kind's backlog never holds up another's.
   * A kind whose concurrency is 0 gets none: this node leaves its jobs to other nodes. Replies the
   * deployment ids.
   */
  public static Future<List<String>> deploy(Vertx vertx, LearngridConfig config, MeterRegistry registry, String nodeId,
                                            Map<String, JobHandler> handlers) {
    List<Future<String>> deployed = new ArrayList<>();
    handlers.forEach((kind, handler) -> {
      if (config.jobs().kind(kind).concurrency() == 0) {
        LOG.info("this node runs no " + kind + " jobs (its concurrency is 0); other nodes take them");
      } else {
        deployed.add(vertx.deployVerticle(new JobRunner(kind, handler, config, registry, nodeId)));
      }
    });
    return Future.all(deployed).map(all -> deployed.stream().map(Future::result).toList());
  }

  @Override
  public Future<?> start() {
    persistence = new BusClient(vertx, busTimeout);
    wakeups = vertx.eventBus().consumer(CreateJob.QUEUED, queued -> {
      if (kind.equals(queued.body())) {
        claim();
      }
    });
    pollTimer = vertx.setPeriodic(settings.pollMillis(), id -> claim());
    renewTimer = vertx.setPeriodic(Math.max(100, settings.leaseMillis() / 3), id -> renew());
    return wakeups.completion().andThen(registered -> claim());
  }

  /** Claims as many jobs as there are free slots; one claim at a time, again at once if it filled up. */
  private void claim() {
    int free = settings.concurrency() - held.size();
    if (stopping || free <= 0) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    claimAgain = false;
    int max = Math.min(free, MAX_CLAIM);
    persistence.request(ClaimJobs.ENDPOINT, new ClaimJobs(nodeId, kind, max, settings.leaseMillis()))
        .onComplete(claimed -> {
          claiming = false;
          if (claimed.failed()) {
            if (!claimsFailing) {
              LOG.warn("cannot claim " + kind + " jobs (retrying every " + settings.pollMillis() + " ms): "
                  + claimed.cause().getMessage());
            }
            claimsFailing = true;
            return;
          }
          claimsFailing = false;
          for (ClaimedJobs.Claimed job : claimed.result().jobs()) {
            held.put(job.leaseToken(), job);
            if (!stopping) {
              run(job);
            }
          }
          if (stopping) {
            release();
          } else if (claimAgain || claimed.result().jobs().size() == max) {
            claim();
          }
        });
  }

  private void run(ClaimedJobs.Claimed job) {
    long started = System.nanoTime();
    attempt(new RunningJob(job, persistence)).onComplete(done -> {
      FinishJob finish = done.succeeded()
          ? new FinishJob(job.id(), job.leaseToken(), done.result(), null, false, 0)
          : failure(job, done.cause());
      persistence.request(FinishJob.ENDPOINT, finish).onComplete(finished -> {
        held.remove(job.leaseToken());
        String outcome = outcome(job, finish, finished.succeeded() ? finished.result() : null, finished.cause());
        duration(done.succeeded() ? "succeeded" : "failed").record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        counter(outcome).increment();
        claim();
      });
    });
  }

  /** The handler's attempt, bounded by the kind's attempt timeout (the handler's own work is not cancelled). */
  private Future<JsonObject> attempt(RunningJob job) {
    Promise<JsonObject> outcome = Promise.promise();
    long timer = vertx.setTimer(settings.attemptTimeoutMillis(), id -> outcome.tryFail(new JobFailure(
        "the " + kind + " job did not finish within " + settings.attemptTimeoutMillis() / 1000.0 + " s", true)));
    Future<JsonObject> result;
    try {
      result = handler.run(job);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        outcome.tryComplete(done.result() == null ? new JsonObject() : done.result());
      } else {
        outcome.tryFail(done.cause());
      }
    });
    return outcome.future();
  }

  /** Why the attempt failed, in words the job's owner can act on, and whether another attempt may help. */
  private FinishJob failure(ClaimedJobs.Claimed job, Throwable cause) {
    String reason;
    boolean retry = true;
    if (cause instanceof JobFailure failure) {
      reason = failure.getMessage();
      retry = failure.retry();
    } else if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      reason = "a part of the cluster did not answer in time";
    } else if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      reason = "a role the job needs is not running in the cluster";
    } else if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      BusError error = BusError.of(reply.failureCode());
      reason = BusFailure.of(reply).shownDetail();
      retry = error == BusError.UNAVAILABLE || error == BusError.TOO_MANY_REQUESTS || error == BusError.INTERNAL;
    } else {
      LOG.warn(kind + " job " + job.id() + ": attempt " + job.attempt() + " failed", cause);
      reason = "the " + kind + " job failed: " + cause.getClass().getSimpleName();
    }
    boolean last = job.attempt() >= job.maxAttempts() || !retry;
    String error = reason + (last ? " (gave up after attempt " + job.attempt() + " of " + job.maxAttempts() + ")"
        : " (attempt " + job.attempt() + " of " + job.maxAttempts() + ", retrying)");
    return new FinishJob(job.id(), job.leaseToken(), null, error, retry, backoff(job.attempt()));
  }

  /** Full jitter: anywhere from 0 to the doubled delay, so retries of many jobs do not arrive together. */
  private long backoff(int attempt) {
    double ceiling = Math.min(settings.maxBackoffMillis(), settings.backoffMillis() * Math.pow(2, attempt - 1));
    return (long) (ThreadLocalRandom.current().nextDouble() * ceiling);
  }

  private String outcome(ClaimedJobs.Claimed job, FinishJob finish, FinishedJob finished, Throwable cause) {
    if (finished != null) {
      String outcome = "queued".equals(finished.status()) ? "retried" : finished.status();
      if (finish.error() != null) {
        LOG.info(kind + " job " + job.id() + " " + outcome + ": " + finish.error());
      }
      return outcome;
    }
    if (cause instanceof ReplyException reply && reply.failureCode() == BusError.CONFLICT.code()) {
      LOG.warn(kind + " job " + job.id() + ": its lease had passed to another node; this attempt's outcome is dropped");
      return "lost";
    }
    // The lease runs out and another node (or this one) takes the job up again.
    LOG.warn(kind + " job " + job.id() + ": could not record the attempt's outcome: " + cause.getMessage());
    return "unrecorded";
  }

  private void renew() {
    if (held.isEmpty()) {
      return;
    }
    persistence.request(RenewJobLeases.ENDPOINT, new RenewJobLeases(new ArrayList<>(held.keySet()), settings.leaseMillis()))
        .onFailure(failure -> LOG.warn("cannot renew the leases of " + held.size() + " " + kind + " job(s): "
            + failure.getMessage()));
  }

  private Future<?> release() {
    if (held.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> tokens = new ArrayList<>(held.keySet());
    held.clear();
    return persistence.request(ReleaseJobs.ENDPOINT, new ReleaseJobs(tokens))
        .onSuccess(done -> LOG.info("handed " + tokens.size() + " " + kind + " job(s) back to the queue"))
        .recover(failure -> {
          LOG.warn("could not hand back " + tokens.size() + " " + kind + " job(s); they are taken up again when "
              + "their lease runs out: " + failure.getMessage());
          return Future.succeededFuture();
        });
  }

  private Counter counter(String outcome) {
    return outcomes.computeIfAbsent(outcome, key -> Counter.builder("learngrid.jobs")
        .description("Job attempts by kind and outcome: succeeded, retried, failed, lost (another node had the "
            + "lease), unrecorded")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry));
  }

  private Timer duration(String outcome) {
    return durations.computeIfAbsent(outcome, key -> Timer.builder("learngrid.job.attempt.duration")
        .description("Time a job attempt took, from claim to outcome")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(renewTimer);
    return wakeups.unregister().transform(unregistered -> release());
  }
}
