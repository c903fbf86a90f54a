package io.learngrid.dev;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.courses.Course;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.accounts.User;
import io.learngrid.config.LearngridConfig;
import io.learngrid.security.PasswordHasher;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;

/**
 * The dev node's demo accounts and course, created over the bus like any client's data. Runs on
 * every start of a dev node, and of a run node with LEARNGRID_DEMO_DATA=true (bin/local-cluster),
 * and creates only what is missing, so several nodes may run it.
 */
public final class DemoData {

  public static final String TEACHER_EMAIL = "teacher@learngrid.dev";
  public static final String STUDENT_EMAIL = "student@learngrid.dev";
  public static final String PASSWORD = "demo-password";

  /** Once at start-up, not on a request's path: a roomy deadline. */
  private static final long BUS_TIMEOUT_MILLIS = 10_000;

  private DemoData() {}

  public static Future<Void> load(Vertx vertx, LearngridConfig.Auth auth) {
    PasswordHasher hasher = new PasswordHasher(vertx, auth);
    BusClient persistence = new BusClient(vertx, BUS_TIMEOUT_MILLIS);
    return hasher.hash(PASSWORD).compose(hash -> Future.join(
            account(persistence, new CreateUser(TEACHER_EMAIL, hash, "Demo Teacher", UserRole.TEACHER.wire(), null, null))
                .compose(teacher -> teacher == null ? Future.succeededFuture() : course(persistence, teacher)),
            account(persistence, new CreateUser(STUDENT_EMAIL, hash, "Demo Student", UserRole.STUDENT.wire(), null, null))))
        .mapEmpty();
  }

  /** The new account, or null when it already exists. */
  private static Future<User> account(BusClient persistence, CreateUser user) {
    return persistence.request(CreateUser.ENDPOINT, user)
        .recover(failure -> failure instanceof ReplyException reply && reply.failureCode() == BusError.CONFLICT.code()
            ? Future.succeededFuture(null)
            : Future.failedFuture(failure));
  }

  private static Future<Course> course(BusClient persistence, User teacher) {
    return persistence.request(CreateCourse.ENDPOINT, new CreateCourse(teacher.id(), "Fractions, step by step", "math",
        "Adding, comparing and simplifying fractions, with auto-graded practice.", null));
  }
}
