package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * An assignment with every question and its answer. {@code teacherId} (the course's owner) lets
 * the http role authorize without another request; clients never see it.
 */
public record Assignment(String id, String courseId, String teacherId, String title, String dueAt,
                         List<Question> questions) implements BusMessage {

  public record Question(String id, int position, String prompt, String kind, List<String> choices, int points,
                         Object answer) {}
}
