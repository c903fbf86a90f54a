package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import io.vertx.core.json.JsonObject;

/**
 * Ends the attempt held under {@code leaseToken}: with a {@code result} the job succeeded; otherwise
 * {@code error} says why the attempt failed, and the job is queued again after
 * {@code retryAfterMillis} when {@code retry} is true and attempts remain, else it failed for good
 * (the dead letter: status failed, the last error kept). Replies {@link FinishedJob}, or CONFLICT
 * when the lease is no longer this claim's (another node has the job, or it already finished): the
 * caller's outcome is discarded.
 */
public record FinishJob(String id, String leaseToken, JsonObject result, String error, boolean retry,
                        long retryAfterMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.finish";
  public static final Endpoint<FinishJob, FinishedJob> ENDPOINT = Endpoint.of(ADDRESS, FinishJob.class, FinishedJob.class);
}
