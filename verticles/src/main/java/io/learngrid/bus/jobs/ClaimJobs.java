package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Claims up to {@code max} runnable jobs of {@code kind} for the worker {@code owner} (a node id)
 * under a lease of {@code leaseMillis}: queued jobs whose backoff has passed, highest priority and
 * then oldest first, and running jobs whose lease expired (their node died). Each claim is an
 * attempt. Replies {@link ClaimedJobs}.
 */
public record ClaimJobs(String owner, String kind, int max, long leaseMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.claim";
  public static final Endpoint<ClaimJobs, ClaimedJobs> ENDPOINT = Endpoint.of(ADDRESS, ClaimJobs.class, ClaimedJobs.class);
}
