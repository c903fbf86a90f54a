package io.learngrid.bus.answers;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Created;
import io.learngrid.bus.Idempotency;

/**
 * A student's answer to one question of an assignment; replies {@link Created} with status 202
 * and the graded result, only once the event is durably stored. {@code answer} is a JSON string
 * or number; {@code idempotency} is null when the client sent no Idempotency-Key.
 */
public record SubmitAnswer(String studentId, String assignmentId, String questionId, Object answer,
                           Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.answers.submit";
  public static final Endpoint<SubmitAnswer, Created> ENDPOINT = Endpoint.of(ADDRESS, SubmitAnswer.class, Created.class);
}
