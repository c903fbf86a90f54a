package io.learngrid.bus;

/** Changes the given fields of a course (null leaves a field as it is); replies {@link Course}, or NOT_FOUND. */
public record UpdateCourse(String id, String title, String subject, String description) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.update";
}
