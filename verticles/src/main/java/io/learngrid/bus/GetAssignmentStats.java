package io.learngrid.bus;

/** Aggregated figures of an assignment for its course's teacher; replies {@link AssignmentStats}, or NOT_FOUND. */
public record GetAssignmentStats(String teacherId, String assignmentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.stats";
}
