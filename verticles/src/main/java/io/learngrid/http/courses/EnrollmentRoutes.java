package io.learngrid.http.courses;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.courses.Enroll;
import io.learngrid.bus.courses.Enrollment;
import io.learngrid.bus.courses.ListStudents;
import io.learngrid.bus.courses.StudentList;
import io.learngrid.bus.courses.Unenroll;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Cursors;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.Paging;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A course's students: enrolling and unenrolling (its teacher, an admin, or a student themself) and listing. */
public final class EnrollmentRoutes {


  private final CacheAside cache;
  private final Access access;
  private final Cursors cursors;
  private final BusClient persistence;

  public EnrollmentRoutes(Vertx vertx, CacheAside cache, Access access, Cursors cursors, long busTimeout) {
    this.cache = cache;
    this.access = access;
    this.cursors = cursors;
    this.persistence = new BusClient(vertx, busTimeout);
  }

  /** 201 for a new enrollment, 200 with the same body when the student was already enrolled. */
  public void enroll(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    Input input = Input.of(ctx);
    String studentId = Ids.body(input, "studentId");
    String joinCode = input.optionalText("joinCode");
    input.validate();
    Future<?> allowed = caller.is(UserRole.STUDENT)
        ? (caller.id().equals(studentId) ? access.course(courseId)
            : Future.failedFuture(new ProblemException(403, "a student may enroll only themselves")))
        : access.owned(caller, courseId, true);
    Future<Enrollment> enrolled = allowed
        .compose(ok -> persistence.request(Enroll.ENDPOINT,
            new Enroll(courseId, studentId, caller.id(), IdempotencyKeys.of(ctx), caller.is(UserRole.STUDENT), joinCode)))
        .compose(enrollment -> cache.invalidate(Access.enrollmentKey(courseId, studentId)).map(enrollment));
    enrolled.onComplete(enrollment -> ctx.response()
            .setStatusCode(enrollment.created() ? 201 : 200)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject()
                .put("courseId", enrollment.courseId())
                .put("studentId", enrollment.studentId())
                .put("enrolledAt", enrollment.enrolledAt())
                .toBuffer()),
        ctx::fail);
  }

  /**
   * The course's teacher or an admin, or the student themself, ends an enrollment. Every node's
   * cached answer for it goes before the 204, so the student's next read of the course's
   * assignments is a 404 wherever it lands.
   */
  public void unenroll(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    String studentId = Ids.path(ctx, "studentId", "student");
    Future<?> allowed = caller.is(UserRole.STUDENT)
        ? (caller.id().equals(studentId) ? access.course(courseId)
            : Future.failedFuture(new ProblemException(403, "a student may unenroll only themselves")))
        : access.owned(caller, courseId, true);
    Replies.noContent(ctx, allowed
        .compose(ok -> persistence.request(Unenroll.ENDPOINT, new Unenroll(courseId, studentId)))
        .compose(done -> cache.invalidate(Access.enrollmentKey(courseId, studentId)))
        .compose(v -> cache.retireProgress()));
  }

  public void students(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    Paging paging = Paging.of(ctx, cursors, "students/" + courseId);
    Replies.json(ctx, 200, access.owned(caller, courseId, true)
        .compose(owned -> persistence.request(ListStudents.ENDPOINT, new ListStudents(courseId, paging.afterId(),
            paging.limit() + 1)))
        .map(page -> paging.reply(cursors, page.items(), StudentList.Student::id,
            student -> JsonObject.mapFrom(student))));
  }
}
