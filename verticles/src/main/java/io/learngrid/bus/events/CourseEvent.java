package io.learngrid.bus.events;

import io.learngrid.bus.BusMessage;
import io.vertx.core.json.JsonObject;

/**
 * One event of a course's stream, as stored in {@code course_events}: {@code seq} is its SSE id
 * (per course, from 1, without gaps), {@code id} its id in webhook deliveries, {@code type} one of
 * {@link CourseEventTypes}, {@code data} what the stream shows. Published by the persistence store
 * that committed it to {@link #address(String)}; each http node with a stream open on the course
 * holds one consumer there.
 */
public record CourseEvent(String courseId, long seq, String id, String type, String occurredAt, JsonObject data)
    implements BusMessage {

  /** A publish (no reply), per course: the course id follows. */
  public static final String ADDRESS_PREFIX = "learngrid.events.course.";

  public static String address(String courseId) {
    return ADDRESS_PREFIX + courseId;
  }
}
