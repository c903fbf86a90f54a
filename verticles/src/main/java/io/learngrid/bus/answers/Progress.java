package io.learngrid.bus.answers;

import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * A student's aggregated progress, exactly as docs/api.md shows it. {@code asOf}: every answer event
 * submitted before this time is folded into the figures.
 */
public record Progress(String studentId, List<CourseProgress> courses, String asOf) implements BusMessage {

  /**
   * Cache key of the aggregation version: the aggregator increments it after every fold, and
   * cached progress is keyed by it, so a fold retires every cached progress at once.
   */
  public static final String VERSION_KEY = "progress-version";

  public record CourseProgress(String courseId, List<AssignmentProgress> assignments) {}

  /** Questions answered at least once, answered correctly at least once, best points summed. */
  public record AssignmentProgress(String assignmentId, int answered, int correct, int points, int maxPoints) {}
}
