package io.learngrid.bus.assignments;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * One page of a course's assignments by id; replies {@link AssignmentList} with up to {@code limit}
 * rows. Drafts only when {@code drafts} (the course's teacher asks); deleted ones never.
 */
public record ListAssignments(String courseId, String afterId, int limit, boolean drafts) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.list";
  public static final Endpoint<ListAssignments, AssignmentList> ENDPOINT = Endpoint.of(ADDRESS, ListAssignments.class, AssignmentList.class);
}
