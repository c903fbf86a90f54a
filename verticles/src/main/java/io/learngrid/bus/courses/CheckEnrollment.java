package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Is the student enrolled in the course? Replies {@link EnrollmentStatus}. */
public record CheckEnrollment(String courseId, String studentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.enrollments.check";
  public static final Endpoint<CheckEnrollment, EnrollmentStatus> ENDPOINT = Endpoint.of(ADDRESS, CheckEnrollment.class, EnrollmentStatus.class);
}
