package io.learngrid.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Runs one attempt of a job of one kind. The returned future's value is the job's result (what
 * {@code GET /jobs/{id}} shows); a failure with {@link JobFailure} says why in words for the job's
 * owner and whether another attempt may help, any other failure is retried while attempts remain.
 * An attempt may run more than once (its node died after the side effect, before the outcome was
 * recorded): handlers make their side effects idempotent, or fence them with the job's lease
 * ({@link RunningJob#leaseToken()}) in their own transaction.
 */
@FunctionalInterface
public interface JobHandler {

  Future<JsonObject> run(RunningJob job);
}
