package io.learngrid.bus.assignments;

import io.learngrid.bus.BusMessage;

import java.util.List;

/** Reply to {@link ListAssignments}, in id order. */
public record AssignmentList(List<Summary> items) implements BusMessage {

  public record Summary(String id, String title, String dueAt, int questionCount, String status, String lockAt) {}
}
