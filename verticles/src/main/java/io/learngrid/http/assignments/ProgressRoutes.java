package io.learngrid.http.assignments;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.answers.GetMyProgress;
import io.learngrid.bus.answers.GetStudentProgress;
import io.learngrid.bus.answers.Progress;
import io.learngrid.bus.cache.CacheGet;
import io.learngrid.http.Caller;
import io.learngrid.http.Ids;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/** Aggregated progress: a student's own, and one student's in a course for its teacher or an admin. */
public final class ProgressRoutes {

  private static final Set<UserRole> STUDENTS = EnumSet.of(UserRole.STUDENT);

  private final CacheAside cache;
  private final BusClient persistence;
  private final BusClient cacheRole;
  private final int ttlSeconds;

  public ProgressRoutes(Vertx vertx, CacheAside cache, long busTimeout, long cacheTimeout, int ttlSeconds) {
    this.cache = cache;
    this.persistence = new BusClient(vertx, busTimeout);
    this.cacheRole = new BusClient(vertx, cacheTimeout);
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * Cache-aside under the aggregation version: a cached progress lives {@code ttlSeconds} or until
   * the next aggregation, whichever comes first. Without a cache, straight from the aggregates.
   */
  public void mine(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(STUDENTS);
    Supplier<Future<? extends BusMessage>> load =
        () -> persistence.request(GetMyProgress.ENDPOINT, new GetMyProgress(caller.id()));
    Future<Buffer> progress = cacheRole.request(CacheGet.ENDPOINT, new CacheGet(Progress.VERSION_KEY))
        .transform(version -> version.succeeded()
            ? cache.read("progress", "progress:" + caller.id() + ":" + (version.result().value() == null ? "0"
                : version.result().value()), ttlSeconds, load)
            : load.get().map(value -> value.toJson().toBuffer()));
    Replies.raw(ctx, 200, progress);
  }

  /** The persistence role decides: the course's teacher or an admin, about an enrolled student; else 404. */
  public void student(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "progress");
    String studentId = Ids.path(ctx, "studentId", "progress");
    if (!caller.is(UserRole.TEACHER) && !caller.is(UserRole.ADMIN)) {
      throw new ProblemException(404, "progress not found");
    }
    Replies.json(ctx, 200, persistence.request(GetStudentProgress.ENDPOINT,
            new GetStudentProgress(caller.id(), caller.role().wire(), courseId, studentId))
        .map(Progress::toJson));
  }
}
