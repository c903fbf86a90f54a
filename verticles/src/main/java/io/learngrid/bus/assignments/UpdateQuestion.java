package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * Changes the given fields of one question (null leaves a field as it is) for the course's teacher
 * {@code userId}; replies the whole {@link Assignment}, or NOT_FOUND. A changed {@code answer} or
 * {@code points} is a new key version and queues a regrade of the question's answer events; it is
 * then published as {@link AssignmentChanged}, so every node's answer path drops the old key.
 */
public record UpdateQuestion(String userId, String assignmentId, String questionId, String prompt,
                             List<String> choices, Object answer, Integer points) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.questions.update";
  public static final Endpoint<UpdateQuestion, Assignment> ENDPOINT =
      Endpoint.of(ADDRESS, UpdateQuestion.class, Assignment.class);
}
