package io.learngrid.bus.jobs;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Claims up to {@code max} runnable jobs for the worker {@code owner} (a node id) under a lease of
 * {@code leaseMillis}: queued jobs whose backoff has passed, and running jobs whose lease expired
 * (their node died). Each claim is an attempt. Replies {@link ClaimedAiJobs}.
 */
public record ClaimAiJobs(String owner, int max, long leaseMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.claim";
  public static final Endpoint<ClaimAiJobs, ClaimedAiJobs> ENDPOINT = Endpoint.of(ADDRESS, ClaimAiJobs.class, ClaimedAiJobs.class);
}
