package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * An assignment's aggregated figures, as docs/api.md shows them. {@code students}: students with at
 * least one submission; {@code submissions}: every submission. Per question, {@code attempts}
 * counts submissions, {@code correct} the students who answered it correctly at least once and
 * {@code students} the students who answered it at all.
 */
public record AssignmentStats(String assignmentId, long students, long submissions, List<QuestionStats> questions,
                              String asOf) implements BusMessage {

  public record QuestionStats(String questionId, long attempts, long correct, long students) {}
}
