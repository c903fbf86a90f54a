package io.learngrid.bus;

/** Reads a job as its owner {@code userId} sees it; replies {@link AiJob}, or NOT_FOUND (also for others' jobs). */
public record GetAiJob(String id, String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.jobs.get";
}
