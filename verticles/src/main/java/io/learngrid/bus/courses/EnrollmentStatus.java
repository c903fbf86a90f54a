package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

/** Reply to {@link CheckEnrollment}. */
public record EnrollmentStatus(boolean enrolled) implements BusMessage {}
