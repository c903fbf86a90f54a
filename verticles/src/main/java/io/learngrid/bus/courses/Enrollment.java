package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

/** Reply to {@link Enroll}: docs/api.md's enrollment, and whether this request created it. */
public record Enrollment(String courseId, String studentId, String enrolledAt, boolean created) implements BusMessage {}
