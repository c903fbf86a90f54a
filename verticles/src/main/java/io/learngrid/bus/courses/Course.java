package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

/**
 * A course exactly as docs/api.md shows it. {@code joinCode} is for its owner and admins only: the
 * http role drops it ({@link #withoutJoinCode}) before caching or showing the course to anyone else.
 */
public record Course(String id, String title, String subject, String description, String teacherId,
                     String createdAt, String updatedAt, String status, String enrollmentPolicy,
                     String joinCode) implements BusMessage {

  public Course withoutJoinCode() {
    return joinCode == null ? this : new Course(id, title, subject, description, teacherId, createdAt, updatedAt,
        status, enrollmentPolicy, null);
  }
}
