package io.learngrid.bus.answers;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** A student's own progress in every course they are enrolled in; replies {@link Progress}. */
public record GetMyProgress(String studentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.progress.mine";
  public static final Endpoint<GetMyProgress, Progress> ENDPOINT = Endpoint.of(ADDRESS, GetMyProgress.class, Progress.class);
}
