package io.learngrid.bus.events;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * The events of one course that one statement stored, in seq order: what the persistence store
 * publishes to {@link CourseEvent#address(String)} after the commit. One message per statement and
 * course, not per event, so a group commit of many answers is one publish and one write per stream.
 */
public record CourseEventBatch(String courseId, List<CourseEvent> events) implements BusMessage {}
