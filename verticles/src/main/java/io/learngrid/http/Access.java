package io.learngrid.http;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.courses.CheckEnrollment;
import io.learngrid.bus.courses.Course;
import io.learngrid.bus.courses.EnrollmentStatus;
import io.learngrid.bus.courses.GetCourse;
import io.learngrid.config.LearngridConfig;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * What authorization needs to know, read through the cache: a course (for its owner) and whether a
 * student is enrolled. Both change only through routes that invalidate them.
 */
public final class Access {

  private final CacheAside cache;
  private final BusClient persistence;
  private final LearngridConfig.CacheTtls ttls;

  public Access(Vertx vertx, CacheAside cache, long busTimeout, LearngridConfig.CacheTtls ttls) {
    this.cache = cache;
    this.persistence = new BusClient(vertx, busTimeout);
    this.ttls = ttls;
  }

  public static String courseKey(String courseId) {
    return "course:" + courseId;
  }

  public static String enrollmentKey(String courseId, String studentId) {
    return "enrollment:" + courseId + ":" + studentId;
  }

  public Future<Course> course(String id) {
    return cache.readAs("course", courseKey(id), ttls.courseSeconds(), Course.class, () -> load(id));
  }

  /** The cached course's JSON as stored: without its join code, so anyone may be shown it as is. */
  public Future<Buffer> courseJson(String id) {
    return cache.read("course", courseKey(id), ttls.courseSeconds(), () -> load(id));
  }

  /** The course with its join code, from the store (never cached): for its owner and admins. */
  public Future<Course> courseWithJoinCode(String id) {
    return persistence.request(GetCourse.ENDPOINT, new GetCourse(id));
  }

  /** Whether {@code caller} may see and change {@code course}'s settings (its join code among them). */
  public static boolean manages(Caller caller, Course course) {
    return caller.id().equals(course.teacherId()) || caller.is(UserRole.ADMIN);
  }

  private Future<Course> load(String id) {
    return persistence.request(GetCourse.ENDPOINT, new GetCourse(id)).map(Course::withoutJoinCode);
  }

  public Future<Boolean> enrolled(String courseId, String studentId) {
    return cache.readAs("enrollment", enrollmentKey(courseId, studentId), ttls.enrollmentSeconds(), EnrollmentStatus.class,
            () -> persistence.request(CheckEnrollment.ENDPOINT, new CheckEnrollment(courseId, studentId)))
        .map(EnrollmentStatus::enrolled);
  }

  /** The course, when the caller owns it (or is an admin and {@code admins} is true); 403 otherwise. */
  public Future<Course> owned(Caller caller, String courseId, boolean admins) {
    return course(courseId).map(course -> {
      if (!(caller.id().equals(course.teacherId()) || admins && caller.is(UserRole.ADMIN))) {
        throw new ProblemException(403, "only the course's teacher" + (admins ? " or an admin" : "") + " may do this");
      }
      return course;
    });
  }
}
