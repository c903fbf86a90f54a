package io.learngrid.bus;

/** Reads one course; replies {@link Course}, or NOT_FOUND. */
public record GetCourse(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.get";
}
