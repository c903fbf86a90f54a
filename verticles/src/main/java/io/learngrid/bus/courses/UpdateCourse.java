package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Changes the given fields of a course (null leaves a field as it is); replies {@link Course}, or NOT_FOUND. */
public record UpdateCourse(String id, String title, String subject, String description) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.update";
  public static final Endpoint<UpdateCourse, Course> ENDPOINT = Endpoint.of(ADDRESS, UpdateCourse.class, Course.class);
}
