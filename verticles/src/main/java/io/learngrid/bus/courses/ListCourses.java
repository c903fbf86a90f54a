package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** One page of courses by id, optionally of one subject; replies {@link CourseList} with up to {@code limit} rows. */
public record ListCourses(String subject, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.list";
  public static final Endpoint<ListCourses, CourseList> ENDPOINT = Endpoint.of(ADDRESS, ListCourses.class, CourseList.class);
}
