package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import io.learngrid.bus.Idempotency;
import io.vertx.core.json.JsonObject;

/**
 * Queues a job of {@code kind} (see {@link JobKinds}) owned by {@code userId} with {@code input};
 * replies {@link JobAccepted}, or UNAVAILABLE when that kind's queue is full. Once the job is
 * stored, a {@link #QUEUED} publish wakes the workers of its kind.
 */
public record CreateJob(String userId, String kind, JsonObject input, Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.create";
  public static final Endpoint<CreateJob, JobAccepted> ENDPOINT = Endpoint.of(ADDRESS, CreateJob.class, JobAccepted.class);
  /** Published (body: the job's kind) when jobs are queued, so idle workers of that kind claim at once. */
  public static final String QUEUED = "learngrid.jobs.queued";
}
