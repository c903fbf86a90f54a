package io.learngrid.http.events;

import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Ids;
import io.learngrid.http.ProblemException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /courses/{courseId}/events}: the course's event stream (SSE) for its teacher and
 * admins. The client's last event id comes from the {@code Last-Event-ID} header (EventSource's
 * reconnect) or the {@code lastEventId} query parameter (a client that cannot set headers on the
 * request, or that reconnects by hand); the header wins when both are there.
 */
public final class EventRoutes {

  private final Access access;
  private final CourseEventHub hub;

  public EventRoutes(Access access, CourseEventHub hub) {
    this.access = access;
    this.hub = hub;
  }

  public void stream(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    long lastEventId = lastEventId(ctx);
    access.owned(caller, courseId, true).onComplete(owned -> {
      if (owned.failed()) {
        ctx.fail(owned.cause());
        return;
      }
      if (ctx.response().closed()) {
        return;
      }
      int refused = hub.reserve(caller.id());
      if (refused == 1) {
        ctx.fail(new ProblemException(429, "you have " + hub.settings().maxStreamsPerUser()
            + " event streams open already; close one first", List.of(), 5));
        return;
      }
      if (refused == 2) {
        ctx.fail(ProblemException.unavailable("this node holds as many event streams as it may; try again", 5));
        return;
      }
      new EventStream(hub, ctx.vertx().getOrCreateContext(), ctx.response(), courseId, caller.id(), lastEventId).open();
    });
  }

  /** -1 without one: the stream starts with the next event. */
  private static long lastEventId(RoutingContext ctx) {
    String value = ctx.request().getHeader("Last-Event-ID");
    String field = "Last-Event-ID";
    if (value == null || value.isBlank()) {
      value = ctx.request().getParam("lastEventId");
      field = "lastEventId";
    }
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      long id = Long.parseLong(value.strip());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ProblemException.validation(List.of(new ProblemException.FieldError(field,
        "must be the id of an event of this stream (a whole number, 0 or more)")));
  }
}
