package io.learngrid.bus;

/**
 * Stores a new course owned by {@code teacherId}; replies {@link Course}. With an
 * {@code idempotency} key (of the caller {@code teacherId}) a repeat replies the first course.
 */
public record CreateCourse(String teacherId, String title, String subject, String description,
                           Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.create";
}
