package io.learngrid.http;

import io.learngrid.bus.Bus;
import io.learngrid.bus.GetMyProgress;
import io.learngrid.bus.GetStudentProgress;
import io.learngrid.bus.Progress;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Aggregated progress: a student's own, and one student's in a course for its teacher or an admin. */
final class ProgressRoutes {

  private static final Set<String> STUDENTS = Set.of("student");

  private final Vertx vertx;
  private final long busTimeout;

  ProgressRoutes(Vertx vertx, long busTimeout) {
    this.vertx = vertx;
    this.busTimeout = busTimeout;
  }

  void mine(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(STUDENTS);
    Replies.json(ctx, 200, Bus.request(vertx, GetMyProgress.ADDRESS, new GetMyProgress(caller.id()), busTimeout,
        Progress.class).map(Progress::toJson));
  }

  /** The persistence role decides: the course's teacher or an admin, about an enrolled student; else 404. */
  void student(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "progress");
    String studentId = Ids.path(ctx, "studentId", "progress");
    if (!"teacher".equals(caller.role()) && !"admin".equals(caller.role())) {
      throw new ProblemException(404, "progress not found");
    }
    Replies.json(ctx, 200, Bus.request(vertx, GetStudentProgress.ADDRESS,
        new GetStudentProgress(caller.id(), caller.role(), courseId, studentId), busTimeout, Progress.class)
        .map(Progress::toJson));
  }
}
