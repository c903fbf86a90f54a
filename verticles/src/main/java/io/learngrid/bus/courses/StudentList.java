package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

import java.util.List;

/** Reply to {@link ListStudents}, in id order. */
public record StudentList(List<Student> items) implements BusMessage {

  public record Student(String id, String displayName, String email) {}
}
