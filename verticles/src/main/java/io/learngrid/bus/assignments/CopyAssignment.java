package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * The input of an {@code assignments} job: the same assignment (title, due date, questions, as
 * {@link CreateAssignment} takes them) created in each of {@code courseIds}, all owned by
 * {@code teacherId}. The job's result is {@code {assignments: [{courseId, assignmentId}],
 * errors: [{courseId, message}]}}.
 */
public record CopyAssignment(String teacherId, List<String> courseIds, String title, String dueAt,
                             List<CreateAssignment.NewQuestion> questions) implements BusMessage {
  /** Courses one request may name; a school's teacher rarely has more classes of one subject. */
  public static final int MAX_COURSES = 50;
}
