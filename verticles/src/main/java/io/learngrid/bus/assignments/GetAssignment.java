package io.learngrid.bus.assignments;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Reads one assignment; replies {@link Assignment}, or NOT_FOUND. */
public record GetAssignment(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.get";
  public static final Endpoint<GetAssignment, Assignment> ENDPOINT = Endpoint.of(ADDRESS, GetAssignment.class, Assignment.class);
}
