package io.learngrid.bus.assignments;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** One page of a course's assignments by id; replies {@link AssignmentList} with up to {@code limit} rows. */
public record ListAssignments(String courseId, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.list";
  public static final Endpoint<ListAssignments, AssignmentList> ENDPOINT = Endpoint.of(ADDRESS, ListAssignments.class, AssignmentList.class);
}
