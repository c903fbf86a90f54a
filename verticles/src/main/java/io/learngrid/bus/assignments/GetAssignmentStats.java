package io.learngrid.bus.assignments;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Aggregated figures of an assignment for its course's teacher; replies {@link AssignmentStats},
 * FORBIDDEN to a student enrolled in its course who can see the (published) assignment, else NOT_FOUND.
 */
public record GetAssignmentStats(String requesterId, String assignmentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.stats";
  public static final Endpoint<GetAssignmentStats, AssignmentStats> ENDPOINT = Endpoint.of(ADDRESS, GetAssignmentStats.class, AssignmentStats.class);
}
