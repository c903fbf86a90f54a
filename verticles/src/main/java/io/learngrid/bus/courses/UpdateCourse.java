package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Changes the given fields of a course (null leaves a field as it is); replies {@link Course}, or
 * NOT_FOUND (also for a deleted course). {@code rotateJoinCode} gives the course a new join code; a
 * policy that becomes {@code code} gets one as well when it has none.
 */
public record UpdateCourse(String id, String title, String subject, String description, String status,
                           String enrollmentPolicy, boolean rotateJoinCode) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.update";
  public static final Endpoint<UpdateCourse, Course> ENDPOINT = Endpoint.of(ADDRESS, UpdateCourse.class, Course.class);
}
