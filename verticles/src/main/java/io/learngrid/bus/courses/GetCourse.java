package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Reads one course; replies {@link Course}, or NOT_FOUND. */
public record GetCourse(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.get";
  public static final Endpoint<GetCourse, Course> ENDPOINT = Endpoint.of(ADDRESS, GetCourse.class, Course.class);
}
