package io.learngrid.bus;

/** One page of a course's students by id; replies {@link StudentList} with up to {@code limit} rows. */
public record ListStudents(String courseId, String afterId, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.enrollments.students";
}
