package io.learngrid.bus.courses;

import io.learngrid.bus.BusMessage;
import java.util.List;

/** Reply to {@link DeleteCourse}: the course's assignments, whose cache entries the http role drops. */
public record DeletedCourse(String id, List<String> assignmentIds) implements BusMessage {}
