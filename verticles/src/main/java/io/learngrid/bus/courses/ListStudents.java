package io.learngrid.bus.courses;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** One page of a course's students by id; replies {@link StudentList} with up to {@code limit} rows. */
public record ListStudents(String courseId, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.enrollments.students";
  public static final Endpoint<ListStudents, StudentList> ENDPOINT = Endpoint.of(ADDRESS, ListStudents.class, StudentList.class);
}
