package io.learngrid.dev;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.courses.Course;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.accounts.User;
import io.learngrid.security.PasswordHasher;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;

/**
 * The dev node's demo accounts and course, created over the bus like any client's data. Runs on
 * every start and creates only what is missing.
 */
public final class DemoData {

  public static final String TEACHER_EMAIL = "teacher@learngrid.dev";
  public static final String STUDENT_EMAIL = "student@learngrid.dev";
  public static final String PASSWORD = "demo-password";

  private DemoData() {}

  public static Future<Void> load(Vertx vertx, int bcryptCost) {
    PasswordHasher hasher = new PasswordHasher(vertx, bcryptCost);
    return hasher.hash(PASSWORD).compose(hash -> Future.join(
            account(vertx, new CreateUser(TEACHER_EMAIL, hash, "Demo Teacher", UserRole.TEACHER.wire(), null, null))
                .compose(teacher -> teacher == null ? Future.succeededFuture() : course(vertx, teacher)),
            account(vertx, new CreateUser(STUDENT_EMAIL, hash, "Demo Student", UserRole.STUDENT.wire(), null, null))))
        .mapEmpty();
  }

  /** The new account, or null when it already exists. */
  private static Future<User> account(Vertx vertx, CreateUser user) {
    return Bus.request(vertx, CreateUser.ADDRESS, user, 10_000, User.class)
        .recover(failure -> failure instanceof ReplyException reply && reply.failureCode() == BusError.CONFLICT.code()
            ? Future.succeededFuture(null)
            : Future.failedFuture(failure));
  }

  private static Future<Course> course(Vertx vertx, User teacher) {
    return Bus.request(vertx, CreateCourse.ADDRESS, new CreateCourse(teacher.id(), "Fractions, step by step", "math",
        "Adding, comparing and simplifying fractions, with auto-graded practice.", null), 10_000, Course.class);
  }
}
