package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * The input of a {@code roster} job: the students to enroll in {@code courseId}, already checked
 * at the edge (each a well-formed, lowercased email and a name), and the rows that were refused
 * there. The job's owner is the course's teacher. Its result is {@code {created, enrolled,
 * alreadyEnrolled, errors: [{line, message}]}}: {@code errors} holds {@code rejected} and what the
 * import itself refused (an email of a teacher's account).
 */
public record ImportRoster(String courseId, List<Student> students, List<RowError> rejected) implements BusMessage {
  /** Rows one roster may have (API.md). */
  public static final int MAX_ROWS = 5_000;

  /** One row: {@code line} is the line of the CSV file it starts on (the header is line 1) or the JSON item's index plus 1. */
  public record Student(int line, String email, String displayName) {}

  public record RowError(int line, String message) {}
}
