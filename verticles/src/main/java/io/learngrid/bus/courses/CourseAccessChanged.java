package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

/**
 * A course was archived, reactivated or deleted ({@code studentId} null), or one student left it.
 * Published by the persistence stores that made the change to every persistence node, whose answer
 * path drops what it remembered of those enrollments.
 */
public record CourseAccessChanged(String courseId, String studentId) implements BusMessage {
  /** A publish (no reply): every persistence verticle's {@code AnswerStore} applies it. */
  public static final String ADDRESS = "learngrid.courses.access.changed";
}
