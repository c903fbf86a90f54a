package io.learngrid.bus;

/** One page of a course's assignments by id; replies {@link AssignmentList} with up to {@code limit} rows. */
public record ListAssignments(String courseId, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.list";
}
