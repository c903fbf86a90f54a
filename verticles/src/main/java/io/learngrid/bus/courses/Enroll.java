package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Idempotency;

/**
 * Enrolls a student; replies {@link Enrollment} ({@code created} false when already enrolled), or
 * NOT_FOUND when the course (or a deleted one) or the student (an account with the student role)
 * does not exist, CONFLICT when the course is archived. {@code selfEnrollment} is a student
 * enrolling themselves, which the course's policy may refuse (FORBIDDEN): {@code teacher} always,
 * {@code code} unless {@code joinCode} is the course's. {@code userId} is the caller, whose
 * Idempotency-Key this is.
 */
public record Enroll(String courseId, String studentId, String userId, Idempotency idempotency,
                     boolean selfEnrollment, String joinCode) implements BusMessage {
  public static final String ADDRESS = "learngrid.enrollments.create";
  public static final Endpoint<Enroll, Enrollment> ENDPOINT = Endpoint.of(ADDRESS, Enroll.class, Enrollment.class);
}
