package io.learngrid.bus;

/**
 * A student's answer to one question of an assignment; replies {@link Created} with status 202
 * and the graded result, only once the event is durably stored. {@code answer} is a JSON string
 * or number; {@code idempotency} is null when the client sent no Idempotency-Key.
 */
public record SubmitAnswer(String studentId, String assignmentId, String questionId, Object answer,
                           Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.answers.submit";
}
