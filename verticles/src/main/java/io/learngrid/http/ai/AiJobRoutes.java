package io.learngrid.http.ai;

import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.jobs.JobRoutes;
import io.learngrid.security.UserRole;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/** AI generation as durable jobs: a teacher's POST queues a {@code questions} or {@code lesson-plan} job. */
public final class AiJobRoutes {

  private static final Set<UserRole> TEACHERS = EnumSet.of(UserRole.TEACHER);

  private final JobRoutes jobs;

  public AiJobRoutes(JobRoutes jobs) {
    this.jobs = jobs;
  }

  public void questions(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(TEACHERS);
    Input input = Input.of(ctx);
    JsonObject job = new JsonObject()
        .put("topic", input.text("topic"))
        .put("count", input.integer("count"))
        .put("difficulty", input.text("difficulty"));
    input.validate();
    jobs.queue(ctx, caller, JobKinds.QUESTIONS, job);
  }

  public void lessonPlan(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(TEACHERS);
    Input input = Input.of(ctx);
    JsonObject job = new JsonObject()
        .put("topic", input.text("topic"))
        .put("gradeLevel", input.text("gradeLevel"))
        .put("durationMinutes", input.integer("durationMinutes"));
    input.validate();
    jobs.queue(ctx, caller, JobKinds.LESSON_PLAN, job);
  }
}
