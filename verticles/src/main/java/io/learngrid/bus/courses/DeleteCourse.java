package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Soft-deletes a course (sets {@code deleted_at}): from then on it, its assignments and its
 * enrollments are NOT_FOUND to every read. Replies {@link DeletedCourse}, or NOT_FOUND.
 */
public record DeleteCourse(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.delete";
  public static final Endpoint<DeleteCourse, DeletedCourse> ENDPOINT =
      Endpoint.of(ADDRESS, DeleteCourse.class, DeletedCourse.class);
}
