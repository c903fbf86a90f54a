package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * One page of a student's answer events on an assignment, newest first; replies
 * {@link StudentAnswers} with up to {@code limit} rows. {@code before} is the last row's cursor of
 * the previous page ({@link StudentAnswers.Attempt#cursor()}), or null for the first page.
 */
public record ListStudentAnswers(String assignmentId, String studentId, String before, int limit) implements BusMessage {
  public static final String ADDRESS = "learngrid.assignments.student-answers";
  public static final Endpoint<ListStudentAnswers, StudentAnswers> ENDPOINT = Endpoint.of(ADDRESS, ListStudentAnswers.class, StudentAnswers.class);
}
