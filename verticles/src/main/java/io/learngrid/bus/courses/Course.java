package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;

/** A course exactly as docs/api.md shows it. */
public record Course(String id, String title, String subject, String description, String teacherId,
                     String createdAt, String updatedAt) implements BusMessage {}
