package io.learngrid.bus;

/** Reads one assignment; replies {@link Assignment}, or NOT_FOUND. */
public record GetAssignment(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.get";
}
