package io.learngrid.bus.assignments;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Idempotency;

import java.util.List;

/**
 * Stores an assignment and its questions in one transaction; replies {@link Assignment} (with
 * answers). {@code userId} is the caller, whose Idempotency-Key this is.
 */
public record CreateAssignment(String courseId, String title, String dueAt, List<NewQuestion> questions, String userId,
                               Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.create";
  public static final Endpoint<CreateAssignment, Assignment> ENDPOINT = Endpoint.of(ADDRESS, CreateAssignment.class, Assignment.class);

  /** {@code answer} is a string (choice, text) or a number (number); {@code choices} only for choice. */
  public record NewQuestion(String prompt, String kind, List<String> choices, Object answer, int points) {}
}
