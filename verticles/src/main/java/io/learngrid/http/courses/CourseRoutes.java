package io.learngrid.http.courses;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.courses.Course;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.courses.DeleteCourse;
import io.learngrid.bus.courses.ListMyCourses;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Courses: create, change and delete (their teacher, admins), list and read (any user, reads cache-aside). */
public final class CourseRoutes {

  private static final Set<UserRole> AUTHORS = EnumSet.of(UserRole.TEACHER, UserRole.ADMIN);

  private final CacheAside cache;
  private final Access access;
  private final Cursors cursors;
  private final BusClient persistence;

  public CourseRoutes(Vertx vertx, CacheAside cache, Access access, Cursors cursors, long busTimeout) {
    this.cache = cache;
    this.access = access;
    this.cursors = cursors;
    this.persistence = new BusClient(vertx, busTimeout);
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

  /**
   * The cached bytes as stored, which have no join code; only the owner and admins of a course
   * under policy {@code code} get it read from the store with its join code. Students (the hot
   * path) are never shown one, so their reads skip the decoding.
   */
  public void get(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "courseId", "course");
    Future<Buffer> cached = access.courseJson(id);
    if (caller.is(UserRole.STUDENT)) {
      Replies.raw(ctx, 200, cached);
      return;
    }
    Replies.raw(ctx, 200, cached.compose(json -> {
      JsonObject course = json.toJsonObject();
      boolean showsCode = "code".equals(course.getString("enrollmentPolicy"))
          && (caller.id().equals(course.getString("teacherId")) || caller.is(UserRole.ADMIN));
      return showsCode ? access.courseWithJoinCode(id).map(full -> full.toJson().toBuffer()) : Future.succeededFuture(json);
    }));
  }

  /** {@code GET /me/courses}: a student's enrolled courses, anyone else's own. */
  public void mine(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Paging paging = Paging.of(ctx, cursors, "me/courses/" + caller.id());
    Replies.json(ctx, 200, persistence.request(ListMyCourses.ENDPOINT,
            new ListMyCourses(caller.id(), caller.is(UserRole.STUDENT), paging.afterId(), paging.limit() + 1))
        .map(page -> paging.reply(cursors, page.items(), Course::id, course -> view(caller, course))));
  }

  public void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    // Its length is the contract's (the Subject parameter).
    String subject = ctx.queryParams().get("subject");
    Paging paging = Paging.of(ctx, cursors, subject == null ? "courses" : "courses/subject/" + subject);
    Replies.json(ctx, 200, persistence.request(ListCourses.ENDPOINT,
            new ListCourses(subject, paging.afterId(), paging.limit() + 1))
        .map(page -> paging.reply(cursors, page.items(), Course::id, course -> view(caller, course))));
  }

  public void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "courseId", "course");
    // At least one of them: the contract's minProperties.
    Input input = Input.of(ctx);
    String title = input.optionalText("title");
    String subject = input.optionalText("subject");
    String description = input.optionalText("description");
    // Their values are the contract's enums.
    String status = input.optionalText("status");
    String enrollmentPolicy = input.optionalText("enrollmentPolicy");
    Boolean rotateJoinCode = input.optionalBoolean("rotateJoinCode");
    input.validate();
    UpdateCourse update = new UpdateCourse(id, title, subject, description, status, enrollmentPolicy,
        Boolean.TRUE.equals(rotateJoinCode));
    Replies.json(ctx, 200, access.owned(caller, id, true)
        .compose(owned -> persistence.request(UpdateCourse.ENDPOINT, update))
        .compose(updated -> cache.invalidate(Access.courseKey(id)).map(updated.toJson())));
  }

  /**
   * Soft delete. The course, its assignments and its enrollments leave every cache level on every
   * node before the 204, so no node serves any of them afterwards.
   */
  public void delete(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "courseId", "course");
    Replies.noContent(ctx, access.owned(caller, id, true)
        .compose(owned -> persistence.request(DeleteCourse.ENDPOINT, new DeleteCourse(id)))
        .compose(deleted -> {
          List<String> keys = new ArrayList<>();
          keys.add(Access.courseKey(id));
          deleted.assignmentIds().forEach(assignment -> keys.add("assignment:" + assignment));
          return cache.invalidate(keys.toArray(String[]::new))
              .compose(v -> cache.invalidatePrefixes(List.of(Access.enrollmentKey(id, ""))))
              .compose(v -> cache.retireProgress());
        }));
  }

  /** The course as {@code caller} may see it: the join code only for its owner and admins. */
  private static JsonObject view(Caller caller, Course course) {
    return (Access.manages(caller, course) ? course : course.withoutJoinCode()).toJson();
  }
}
