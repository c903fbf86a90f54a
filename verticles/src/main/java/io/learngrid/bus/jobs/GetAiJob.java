package io.learngrid.bus.jobs;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Reads a job as its owner {@code userId} sees it; replies {@link AiJob}, or NOT_FOUND (also for others' jobs). */
public record GetAiJob(String id, String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.get";
  public static final Endpoint<GetAiJob, AiJob> ENDPOINT = Endpoint.of(ADDRESS, GetAiJob.class, AiJob.class);
}
