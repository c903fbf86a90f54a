package io.learngrid.bus;

import java.util.List;

/**
 * Stores an assignment and its questions in one transaction; replies {@link Assignment} (with
 * answers). {@code userId} is the caller, whose Idempotency-Key this is.
 */
public record CreateAssignment(String courseId, String title, String dueAt, List<NewQuestion> questions, String userId,
                               Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.create";

  /** {@code answer} is a string (choice, text) or a number (number); {@code choices} only for choice. */
  public record NewQuestion(String prompt, String kind, List<String> choices, Object answer, int points) {}
}
