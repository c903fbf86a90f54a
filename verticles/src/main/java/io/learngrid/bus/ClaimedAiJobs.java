package io.learngrid.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Reply to {@link ClaimAiJobs}. {@code leaseToken} fences every later update of a job to this claim. */
public record ClaimedAiJobs(List<Claimed> jobs) implements BusMessage {

  public record Claimed(String id, String ownerId, String kind, JsonObject input, int attempt, int maxAttempts,
                        String leaseToken) {}
}
