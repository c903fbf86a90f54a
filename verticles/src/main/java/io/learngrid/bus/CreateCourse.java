package io.learngrid.bus;

/** Stores a new course owned by {@code teacherId}; replies {@link Course}. */
public record CreateCourse(String teacherId, String title, String subject, String description) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.create";
}
