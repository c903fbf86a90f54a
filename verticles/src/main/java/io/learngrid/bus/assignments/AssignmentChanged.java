package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;

/**
 * An assignment's status, dates or existence changed. Published by the persistence store that made
 * the change to every persistence node, whose answer path drops what it remembered of the
 * assignment's questions (they carry its status and dates).
 */
public record AssignmentChanged(String assignmentId) implements BusMessage {
  /** A publish (no reply): every persistence verticle's {@code AnswerStore} applies it. */
  public static final String ADDRESS = "learngrid.assignments.changed";
}
