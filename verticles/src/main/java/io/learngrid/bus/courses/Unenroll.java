package io.learngrid.bus.courses;

import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Ends a student's enrollment; replies {@link Done}, or NOT_FOUND when they were not enrolled. */
public record Unenroll(String courseId, String studentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.enrollments.delete";
  public static final Endpoint<Unenroll, Done> ENDPOINT = Endpoint.of(ADDRESS, Unenroll.class, Done.class);
}
