package io.learngrid.http;

import io.learngrid.bus.Bus;
import io.learngrid.bus.Course;
import io.learngrid.bus.CreateCourse;
import io.learngrid.bus.GetCourse;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Courses: create (teachers and admins) and read (any user, cache-aside). */
final class CourseRoutes {

  private static final Set<String> FIELDS = Set.of("title", "subject", "description");
  private static final Set<String> AUTHORS = Set.of("teacher", "admin");

  private final Vertx vertx;
  private final CacheAside cache;
  private final long busTimeout;
  private final int ttlSeconds;

  CourseRoutes(Vertx vertx, CacheAside cache, long busTimeout, int ttlSeconds) {
    this.vertx = vertx;
    this.cache = cache;
    this.busTimeout = busTimeout;
    this.ttlSeconds = ttlSeconds;
  }

  void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(AUTHORS);
    Input input = Input.of(ctx, FIELDS);
    String title = input.text("title", 1, 200);
    String subject = input.text("subject", 1, 100);
    String description = input.optionalText("description", 0, 5000);
    input.validate();
    CreateCourse course = new CreateCourse(caller.id(), title, subject, description == null ? "" : description);
    Replies.json(ctx, 201, Bus.request(vertx, CreateCourse.ADDRESS, course, busTimeout, Course.class).map(Course::toJson));
  }

  void get(RoutingContext ctx) {
    Caller.of(ctx);
    String id = Ids.path(ctx, "courseId", "course");
    Replies.raw(ctx, 200, cache.read("course", "course:" + id, ttlSeconds,
        () -> Bus.request(vertx, GetCourse.ADDRESS, new GetCourse(id), busTimeout, Course.class)));
  }
}
