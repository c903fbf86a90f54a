package io.learngrid.bus.jobs;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Idempotency;

import io.vertx.core.json.JsonObject;

/**
 * Queues an AI job of {@code kind} ("questions" or "lesson-plan") for {@code userId} with the
 * request's {@code input}; replies {@link JobAccepted}, or UNAVAILABLE when the queue is full. Once
 * the job is stored, a {@link #QUEUED} publish wakes the ai roles' workers.
 */
public record CreateAiJob(String userId, String kind, JsonObject input, Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.create";
  public static final Endpoint<CreateAiJob, JobAccepted> ENDPOINT = Endpoint.of(ADDRESS, CreateAiJob.class, JobAccepted.class);
  /** Published (body: the job id) when a job is queued, so idle workers claim it at once. */
  public static final String QUEUED = "learngrid.ai.jobs.queued";

  public static final String QUESTIONS = "questions";
  public static final String LESSON_PLAN = "lesson-plan";
}
