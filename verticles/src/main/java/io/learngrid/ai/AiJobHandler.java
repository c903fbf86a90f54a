package io.learngrid.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.BusFailure;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.bus.cache.CacheInvalidate;
import io.learngrid.jobs.JobFailure;
import io.learngrid.jobs.JobHandler;
import io.learngrid.jobs.RunningJob;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The ai role's handler of the {@code questions} and {@code lesson-plan} jobs: one chat through
 * {@link ChatRequest#ADDRESS} per attempt, its reply turned into the job's result.
 */
public final class AiJobHandler implements JobHandler {

  private final BusClient ai;
  private final BusClient cache;
  private final String model;
  private final long attemptTimeoutMillis;

  public AiJobHandler(BusClient ai, BusClient cache, String model, long attemptTimeoutMillis) {
    this.ai = ai;
    this.cache = cache;
    this.model = model;
    this.attemptTimeoutMillis = attemptTimeoutMillis;
  }

  @Override
  public Future<JsonObject> run(RunningJob job) {
    // The model named here, not left to the gateway: the cache key dropped below must be the one it used.
    ChatRequest chat = new ChatRequest(job.ownerId(), model, Generations.prompt(job), job.kind());
    return ai.request(ChatRequest.ENDPOINT, chat)
        .map(reply -> Generations.result(job.kind(), job.input(), reply.message().content()))
        .recover(failure -> failure instanceof GeneratedQuestions.InvalidGeneration
            // The gateway cached the reply before it was found unusable: it goes before the attempt
            // is reported, so the next job with this input asks the model afresh instead of failing
            // on the same reply for as long as the cache keeps it.
            ? cache.request(CacheInvalidate.ENDPOINT, new CacheInvalidate(List.of(ResponseCache.key(model, chat.messages()))))
                .transform(dropped -> Future.failedFuture(failure))
            : Future.failedFuture(failure))
        .recover(failure -> Future.failedFuture(reason(failure)));
  }

  /** Why the attempt failed, in words a teacher can act on, and whether another attempt may help. */
  private Throwable reason(Throwable cause) {
    if (cause instanceof GeneratedQuestions.InvalidGeneration invalid) {
      return new JobFailure("the AI's reply was unusable: " + invalid.getMessage(), true);
    }
    if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      return new JobFailure("the AI did not answer within " + attemptTimeoutMillis / 1000.0 + " s", true);
    }
    if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return new JobFailure("no AI proxy is running in the cluster", true);
    }
    if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      BusError error = BusError.of(reply.failureCode());
      String detail = BusFailure.of(reply).shownDetail();
      return switch (error) {
        case UNAVAILABLE -> new JobFailure("the AI upstream is unavailable: " + detail, true);
        case TOO_MANY_REQUESTS -> new JobFailure("the AI usage limit was reached: " + detail, true);
        case INTERNAL -> new JobFailure("the AI refused the request: " + detail, true);
        // A request the upstream refuses as such will be refused again.
        default -> new JobFailure("the AI refused the request: " + detail, false);
      };
    }
    return cause;
  }
}
