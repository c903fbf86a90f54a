package io.learngrid.dev;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.assignments.CreateAssignment;
import io.learngrid.bus.assignments.CreateAssignment.NewQuestion;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.courses.Enroll;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.accounts.User;
import io.learngrid.config.LearngridConfig;
import io.learngrid.security.PasswordHasher;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;

/**
 * The dev node's demo accounts and course (with an assignment, the demo student enrolled), created over the bus like any client's data. Runs on
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
    return hasher.hash(PASSWORD).compose(hash ->
            account(persistence, new CreateUser(STUDENT_EMAIL, hash, "Demo Student", UserRole.STUDENT.wire(), null, null))
                .compose(student -> account(persistence,
                        new CreateUser(TEACHER_EMAIL, hash, "Demo Teacher", UserRole.TEACHER.wire(), null, null))
                    .compose(teacher -> teacher == null ? Future.succeededFuture() : course(persistence, teacher, student))))
        .mapEmpty();
  }

  /** The new account, or null when it already exists. */
  private static Future<User> account(BusClient persistence, CreateUser user) {
    return persistence.request(CreateUser.ENDPOINT, user)
        .recover(failure -> failure instanceof ReplyException reply && reply.failureCode() == BusError.CONFLICT.code()
            ? Future.succeededFuture(null)
            : Future.failedFuture(failure));
  }

  /**
   * The demo course with a practice assignment, and the demo student in it when that account is
   * new too (a first start): /app/ then has something to show both of them.
   */
  private static Future<Void> course(BusClient persistence, User teacher, User student) {
    return persistence.request(CreateCourse.ENDPOINT, new CreateCourse(teacher.id(), "Fractions, step by step", "math",
            "Adding, comparing and simplifying fractions, with auto-graded practice.", null))
        .compose(course -> persistence.request(CreateAssignment.ENDPOINT, new CreateAssignment(course.id(),
                "Fractions warm-up", null, List.of(
                    new NewQuestion("Which is the largest?", "choice", List.of("1/2", "2/3", "3/5"), "2/3", 2),
                    new NewQuestion("Write 1/2 in words", "text", null, "one half", 1),
                    new NewQuestion("3/4 as a decimal?", "number", null, 0.75, 2)), teacher.id(), null))
            .compose(assignment -> student == null ? Future.succeededFuture()
                : persistence.request(Enroll.ENDPOINT, new Enroll(course.id(), student.id(), teacher.id(), null, false, null))))
        .mapEmpty();
  }
}
