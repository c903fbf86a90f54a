package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Reply to {@link ClaimJobs}. {@code leaseToken} fences every later update of a job to this claim;
 * {@code lastError} is why the previous attempt failed (null on a first attempt).
 */
public record ClaimedJobs(List<Claimed> jobs) implements BusMessage {

  public record Claimed(String id, String ownerId, String kind, JsonObject input, int attempt, int maxAttempts,
                        String leaseToken, String lastError) {}
}
