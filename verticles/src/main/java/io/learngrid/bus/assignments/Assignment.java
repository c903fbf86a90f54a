package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * An assignment with every question and its answer. {@code teacherId} (the course's owner) lets
 * the http role authorize without another request; clients never see it. {@code status} is
 * {@code draft} or {@code published}; a deleted assignment is never read into one.
 */
public record Assignment(String id, String courseId, String teacherId, String title, String dueAt,
                         List<Question> questions, String status, String lockAt) implements BusMessage {

  public static final String PUBLISHED = "published";
  public static final String DRAFT = "draft";

  public boolean draft() {
    return DRAFT.equals(status);
  }

  public record Question(String id, int position, String prompt, String kind, List<String> choices, int points,
                         Object answer) {}
}
