package io.learngrid.http.courses;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.courses.Course;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.courses.GetCourse;
import io.learngrid.bus.courses.ListCourses;
import io.learngrid.bus.courses.UpdateCourse;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Cursors;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.Paging;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.UserRole;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/** Courses: create and change (their teacher, admins), list and read (any user, reads cache-aside). */
public final class CourseRoutes {

  private static final Set<UserRole> AUTHORS = EnumSet.of(UserRole.TEACHER, UserRole.ADMIN);

  private final CacheAside cache;
  private final Access access;
  private final Cursors cursors;
  private final BusClient persistence;
  private final int ttlSeconds;

  public CourseRoutes(Vertx vertx, CacheAside cache, Access access, Cursors cursors, long busTimeout, int ttlSeconds) {
    this.cache = cache;
    this.access = access;
    this.cursors = cursors;
    this.persistence = new BusClient(vertx, busTimeout);
    this.ttlSeconds = ttlSeconds;
  }

  public void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(AUTHORS);
    Input input = Input.of(ctx);
    String title = input.text("title");
    String subject = input.text("subject");
    String description = input.optionalText("description");
    input.validate();
    CreateCourse course = new CreateCourse(caller.id(), title, subject, description == null ? "" : description,
        IdempotencyKeys.of(ctx));
    Replies.json(ctx, 201, persistence.request(CreateCourse.ENDPOINT, course).map(Course::toJson));
  }

  public void get(RoutingContext ctx) {
    String id = Ids.path(ctx, "courseId", "course");
    Replies.raw(ctx, 200, cache.read("course", Access.courseKey(id), ttlSeconds,
        () -> persistence.request(GetCourse.ENDPOINT, new GetCourse(id))));
  }

  public void list(RoutingContext ctx) {
    // Its length is the contract's (the Subject parameter).
    String subject = ctx.queryParams().get("subject");
    Paging paging = Paging.of(ctx, cursors, subject == null ? "courses" : "courses/subject/" + subject);
    Replies.json(ctx, 200, persistence.request(ListCourses.ENDPOINT,
            new ListCourses(subject, paging.afterId(), paging.limit() + 1))
        .map(page -> paging.reply(cursors, page.items(), Course::id, Course::toJson)));
  }

  public void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "courseId", "course");
    // At least one of them: the contract's minProperties.
    Input input = Input.of(ctx);
    String title = input.optionalText("title");
    String subject = input.optionalText("subject");
    String description = input.optionalText("description");
    input.validate();
    Replies.json(ctx, 200, access.owned(caller, id, true)
        .compose(owned -> persistence.request(UpdateCourse.ENDPOINT, new UpdateCourse(id, title, subject, description)))
        .compose(updated -> cache.invalidate(Access.courseKey(id)).map(updated.toJson())));
  }
}
