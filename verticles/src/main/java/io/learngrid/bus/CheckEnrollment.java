package io.learngrid.bus;

/** Is the student enrolled in the course? Replies {@link EnrollmentStatus}. */
public record CheckEnrollment(String courseId, String studentId) implements BusMessage {
  public static final String ADDRESS = "learngrid.enrollments.check";
}
