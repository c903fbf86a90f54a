package io.learngrid.bus.answers;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * Reply to {@link GetGradebook}: one row per student, each with every assignment of the course in
 * creation order. {@code asOf} means what it means on {@link Progress}.
 */
public record Gradebook(List<StudentGrades> items, String asOf) implements BusMessage {

  public record StudentGrades(String studentId, String displayName, List<AssignmentGrade> assignments) {}

  /**
   * The figures of {@link Progress.AssignmentProgress}, and {@code late}: the student's last answer
   * to the assignment came after its current due date.
   */
  public record AssignmentGrade(String assignmentId, int answered, int correct, int points, int maxPoints,
                                boolean late) {}
}
