package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * Hands back the jobs held under {@code leaseTokens} (a draining node): they are queued again at
 * once and the interrupted attempt does not count. Replies {@link Done}.
 */
public record ReleaseJobs(List<String> leaseTokens) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.release";
  public static final Endpoint<ReleaseJobs, Done> ENDPOINT = Endpoint.of(ADDRESS, ReleaseJobs.class, Done.class);
}
