package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Changes what is given of an assignment; replies {@link Assignment} (with answers), NOT_FOUND for
 * a missing or deleted one, BAD_REQUEST when the resulting {@code lockAt} is before {@code dueAt}.
 * A null {@code title} or {@code status} keeps it; {@code setDueAt}/{@code setLockAt} say whether
 * the date is given, so a given null clears it.
 */
public record UpdateAssignment(String id, String title, boolean setDueAt, String dueAt, boolean setLockAt,
                               String lockAt, String status) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.update";
  public static final Endpoint<UpdateAssignment, Assignment> ENDPOINT = Endpoint.of(ADDRESS, UpdateAssignment.class, Assignment.class);
}
