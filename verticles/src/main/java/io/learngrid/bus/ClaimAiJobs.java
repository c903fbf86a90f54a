package io.learngrid.bus;

/**
 * Claims up to {@code max} runnable jobs for the worker {@code owner} (a node id) under a lease of
 * {@code leaseMillis}: queued jobs whose backoff has passed, and running jobs whose lease expired
 * (their node died). Each claim is an attempt. Replies {@link ClaimedAiJobs}.
 */
public record ClaimAiJobs(String owner, int max, long leaseMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.claim";
}
