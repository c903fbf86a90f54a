package io.learngrid.bus;

/** Reply to {@link Enroll}: API.md's enrollment, and whether this request created it. */
public record Enrollment(String courseId, String studentId, String enrolledAt, boolean created) implements BusMessage {}
