package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/** Reads a job as its owner {@code userId} sees it; replies {@link Job}, or NOT_FOUND (also for others' jobs). */
public record GetJob(String id, String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.jobs.get";
  public static final Endpoint<GetJob, Job> ENDPOINT = Endpoint.of(ADDRESS, GetJob.class, Job.class);
}
