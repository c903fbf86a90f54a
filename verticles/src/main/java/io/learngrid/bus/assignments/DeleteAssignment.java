package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;

/**
 * Soft-deletes an assignment (its answer events stay in the log, its scores leave every read);
 * replies {@link Done}, or NOT_FOUND when it is missing or already deleted.
 */
public record DeleteAssignment(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.delete";
  public static final Endpoint<DeleteAssignment, Done> ENDPOINT = Endpoint.of(ADDRESS, DeleteAssignment.class, Done.class);
}
