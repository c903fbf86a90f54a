package io.learngrid.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.BusFailure;
import io.learngrid.bus.cache.CacheInvalidate;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.bus.jobs.ClaimAiJobs;
import io.learngrid.bus.jobs.ClaimedAiJobs;
import io.learngrid.bus.jobs.CreateAiJob;
import io.learngrid.bus.jobs.FinishAiJob;
import io.learngrid.bus.jobs.FinishedAiJob;
import io.learngrid.bus.jobs.ReleaseAiJobs;
import io.learngrid.bus.jobs.RenewAiJobLeases;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
 * The ai role's job runner: claims durable AI jobs from the persistence role (on a publish when one
 * is queued, and by a slow poll for retries and jobs whose node died), runs each as a chat through
 * {@link ChatRequest#ADDRESS}, and reports the outcome under the job's lease, which it renews while
 * the attempt runs. At most {@code concurrency} jobs run at once on this node. On stop it hands the
 * jobs it holds back to the queue, so a draining node loses nothing.
 */
public final class AiJobWorker extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AiJobWorker.class);
  private static final int MAX_CLAIM = 32;

  private final LearngridConfig.AiJobs settings;
  private final String model;
  private final long busTimeout;
  private final MeterRegistry registry;
  private final String nodeId;
  /** Jobs this node runs, by lease token; touched only on this verticle's event loop. */
  private final Map<String, ClaimedAiJobs.Claimed> held = new HashMap<>();
  private final Map<String, Counter> outcomes = new HashMap<>();
  private final Map<String, Timer> attemptTimers = new HashMap<>();
  private BusClient persistence;
  private BusClient cache;
  private BusClient ai;
  private MessageConsumer<String> wakeups;
  private long pollTimer;
  private long renewTimer;
  private boolean claiming;
  private boolean claimAgain;
  private boolean claimsFailing;
  private boolean stopping;

  public AiJobWorker(LearngridConfig config, MeterRegistry registry, String nodeId) {
    this.settings = config.aiJobs();
    this.model = config.ai().model();
    this.busTimeout = config.busTimeoutMillis();
    this.registry = registry;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    persistence = new BusClient(vertx, busTimeout);
    cache = new BusClient(vertx, busTimeout);
    ai = new BusClient(vertx, settings.attemptTimeoutMillis());
    wakeups = vertx.eventBus().consumer(CreateAiJob.QUEUED, queued -> claim());
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
    persistence.request(ClaimAiJobs.ENDPOINT, new ClaimAiJobs(nodeId, max, settings.leaseMillis()))
        .onComplete(claimed -> {
          claiming = false;
          if (claimed.failed()) {
            if (!claimsFailing) {
              LOG.warn("cannot claim AI jobs (retrying every " + settings.pollMillis() + " ms): "
                  + claimed.cause().getMessage());
            }
            claimsFailing = true;
            return;
          }
          claimsFailing = false;
          for (ClaimedAiJobs.Claimed job : claimed.result().jobs()) {
            held.put(job.leaseToken(), job);
            if (stopping) {
              continue;
            }
            run(job);
          }
          if (stopping) {
            release();
          } else if (claimAgain || claimed.result().jobs().size() == max) {
            claim();
          }
        });
  }

  private void run(ClaimedAiJobs.Claimed job) {
    long started = System.nanoTime();
    String purpose = job.kind();
    Future<JsonObject> result;
    try {
      // The model named here, not left to the gateway: the cache key dropped below must be the one it used.
      ChatRequest chat = new ChatRequest(job.ownerId(), model, Generations.prompt(job), purpose);
      result = ai.request(ChatRequest.ENDPOINT, chat)
          .map(reply -> Generations.result(job.kind(), job.input(), reply.message().content()))
          .recover(failure -> failure instanceof GeneratedQuestions.InvalidGeneration
              // The gateway cached the reply before it was found unusable: it goes before the attempt
              // is reported, so the next job with this input asks the model afresh instead of failing
              // on the same reply for as long as the cache keeps it.
              ? cache.request(CacheInvalidate.ENDPOINT,
                      new CacheInvalidate(List.of(ResponseCache.key(model, chat.messages()))))
                  .transform(dropped -> Future.failedFuture(failure))
              : Future.failedFuture(failure));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      FinishAiJob finish = done.succeeded()
          ? new FinishAiJob(job.id(), job.leaseToken(), done.result(), null, false, 0)
          : failure(job, done.cause());
      persistence.request(FinishAiJob.ENDPOINT, finish)
          .onComplete(finished -> {
            held.remove(job.leaseToken());
            String outcome = outcome(job, finish, finished.succeeded() ? finished.result() : null, finished.cause());
            attemptTimer(job.kind(), done.succeeded() ? "succeeded" : "failed")
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            counter(job.kind(), outcome).increment();
            claim();
          });
    });
  }

  /** Why the attempt failed, in words a teacher can act on, and whether another attempt may help. */
  private FinishAiJob failure(ClaimedAiJobs.Claimed job, Throwable cause) {
    String reason;
    boolean retry = true;
    if (cause instanceof GeneratedQuestions.InvalidGeneration invalid) {
      reason = "the AI's reply was unusable: " + invalid.getMessage();
    } else if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      reason = "the AI did not answer within " + settings.attemptTimeoutMillis() / 1000.0 + " s";
    } else if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      reason = "no AI proxy is running in the cluster";
    } else if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      BusError error = BusError.of(reply.failureCode());
      String detail = BusFailure.of(reply).shownDetail();
      reason = switch (error) {
        case UNAVAILABLE -> "the AI upstream is unavailable: " + detail;
        case TOO_MANY_REQUESTS -> "the AI usage limit was reached: " + detail;
        default -> "the AI refused the request: " + detail;
      };
      // A request the upstream refuses as such will be refused again.
      retry = error == BusError.UNAVAILABLE || error == BusError.TOO_MANY_REQUESTS || error == BusError.INTERNAL;
    } else {
      reason = "the AI job failed: " + cause.getClass().getSimpleName();
    }
    boolean last = job.attempt() >= job.maxAttempts() || !retry;
    String error = reason + (last ? " (gave up after attempt " + job.attempt() + " of " + job.maxAttempts() + ")"
        : " (attempt " + job.attempt() + " of " + job.maxAttempts() + ", retrying)");
    return new FinishAiJob(job.id(), job.leaseToken(), null, error, retry, backoff(job.attempt()));
  }

  /** Full jitter: anywhere from 0 to the doubled delay, so retries of many jobs do not arrive together. */
  private long backoff(int attempt) {
    double ceiling = Math.min(settings.maxBackoffMillis(), settings.backoffMillis() * Math.pow(2, attempt - 1));
    return (long) (ThreadLocalRandom.current().nextDouble() * ceiling);
  }

  private String outcome(ClaimedAiJobs.Claimed job, FinishAiJob finish, FinishedAiJob finished, Throwable cause) {
    if (finished != null) {
      String outcome = "queued".equals(finished.status()) ? "retried" : finished.status();
      if (finish.error() != null) {
        LOG.info("AI job " + job.id() + " (" + job.kind() + ") " + outcome + ": " + finish.error());
      }
      return outcome;
    }
    if (cause instanceof ReplyException reply && reply.failureCode() == BusError.CONFLICT.code()) {
      LOG.warn("AI job " + job.id() + ": its lease had passed to another node; this attempt's outcome is dropped");
      return "lost";
    }
    // The lease runs out and another node (or this one) takes the job up again.
    LOG.warn("AI job " + job.id() + ": could not record the attempt's outcome: " + cause.getMessage());
    return "unrecorded";
  }

  private void renew() {
    if (held.isEmpty()) {
      return;
    }
    persistence.request(RenewAiJobLeases.ENDPOINT,
            new RenewAiJobLeases(new ArrayList<>(held.keySet()), settings.leaseMillis()))
        .onFailure(failure -> LOG.warn("cannot renew the leases of " + held.size() + " AI job(s): "
            + failure.getMessage()));
  }

  private Future<?> release() {
    if (held.isEmpty()) {
      return Future.succeededFuture();
    }
    ArrayList<String> tokens = new ArrayList<>(held.keySet());
    held.clear();
    return persistence.request(ReleaseAiJobs.ENDPOINT, new ReleaseAiJobs(tokens))
        .onSuccess(done -> LOG.info("handed " + tokens.size() + " AI job(s) back to the queue"))
        .recover(failure -> {
          LOG.warn("could not hand back " + tokens.size() + " AI job(s); they are taken up again when their "
              + "lease runs out: " + failure.getMessage());
          return Future.succeededFuture();
        });
  }

  private Counter counter(String kind, String outcome) {
    return outcomes.computeIfAbsent(kind + '/' + outcome, key -> Counter.builder("learngrid.ai.jobs")
        .description("AI job attempts by outcome: succeeded, retried, failed, lost (another node had the lease)")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry));
  }

  private Timer attemptTimer(String kind, String outcome) {
    return attemptTimers.computeIfAbsent(kind + '/' + outcome, key -> Timer.builder("learngrid.ai.job.attempt.duration")
        .description("Time an AI job attempt took, from claim to outcome")
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
