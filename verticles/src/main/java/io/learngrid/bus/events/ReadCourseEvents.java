package io.learngrid.bus.events;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * The stored events of a course after {@code afterSeq}, in seq order, at most {@code limit};
 * replies {@link CourseEventPage}. Read from the primary: a replica's lag would show a gap.
 */
public record ReadCourseEvents(String courseId, long afterSeq, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.events.read";
  public static final Endpoint<ReadCourseEvents, CourseEventPage> ENDPOINT =
      Endpoint.of(ADDRESS, ReadCourseEvents.class, CourseEventPage.class);
}
