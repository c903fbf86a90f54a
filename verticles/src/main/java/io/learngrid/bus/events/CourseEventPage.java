package io.learngrid.bus.events;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * Reply to {@link ReadCourseEvents}: the events, and {@code lastSeq}, the course's last seq when
 * they were read (0 before its first event); {@code oldestSeq}, the first seq still kept (0 when
 * none is), tells a client resuming from further back that retention has removed some.
 */
public record CourseEventPage(List<CourseEvent> events, long lastSeq, long oldestSeq) implements BusMessage {}
