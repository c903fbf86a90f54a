package io.learngrid.bus;

/** One page of courses by id, optionally of one subject; replies {@link CourseList} with up to {@code limit} rows. */
public record ListCourses(String subject, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.courses.list";
}
