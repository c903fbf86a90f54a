package io.learngrid.bus;

/** A student's own progress in every course they are enrolled in; replies {@link Progress}. */
public record GetMyProgress(String studentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.progress.mine";
}
