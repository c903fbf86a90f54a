package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Idempotency;

/**
 * Stores a new course owned by {@code teacherId}; replies {@link Course}. With an
 * {@code idempotency} key (of the caller {@code teacherId}) a repeat replies the first course.
 */
public record CreateCourse(String teacherId, String title, String subject, String description,
                           Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.create";
  public static final Endpoint<CreateCourse, Course> ENDPOINT = Endpoint.of(ADDRESS, CreateCourse.class, Course.class);
}
