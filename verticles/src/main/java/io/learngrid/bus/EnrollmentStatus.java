package io.learngrid.bus;

/** Reply to {@link CheckEnrollment}. */
public record EnrollmentStatus(boolean enrolled) implements BusMessage {}
