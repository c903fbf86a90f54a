package io.learngrid.http.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.jobs.AiJob;
import io.learngrid.bus.jobs.CreateAiJob;
import io.learngrid.bus.jobs.GetAiJob;
import io.learngrid.bus.jobs.JobAccepted;
import io.learngrid.http.Caller;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.Replies;
import io.learngrid.security.UserRole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * AI generation as durable jobs: a teacher's POST only queues the job (202 with its id, never a
 * wait on the AI), any node's ai role runs it, and its owner polls it. Others' jobs do not exist (404).
 */
public final class AiJobRoutes {

  private static final Set<UserRole> TEACHERS = EnumSet.of(UserRole.TEACHER);

  private final BusClient persistence;

  public AiJobRoutes(Vertx vertx, long busTimeout) {
    this.persistence = new BusClient(vertx, busTimeout);
  }

  public void questions(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(TEACHERS);
    Input input = Input.of(ctx);
    JsonObject job = new JsonObject()
        .put("topic", input.text("topic"))
        .put("count", input.integer("count"))
        .put("difficulty", input.text("difficulty"));
    input.validate();
    queue(ctx, caller, CreateAiJob.QUESTIONS, job);
  }

  public void lessonPlan(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(TEACHERS);
    Input input = Input.of(ctx);
    JsonObject job = new JsonObject()
        .put("topic", input.text("topic"))
        .put("gradeLevel", input.text("gradeLevel"))
        .put("durationMinutes", input.integer("durationMinutes"));
    input.validate();
    queue(ctx, caller, CreateAiJob.LESSON_PLAN, job);
  }

  private void queue(RoutingContext ctx, Caller caller, String kind, JsonObject job) {
    CreateAiJob create = new CreateAiJob(caller.id(), kind, job, IdempotencyKeys.of(ctx));
    Replies.json(ctx, 202, persistence.request(CreateAiJob.ENDPOINT, create)
        .map(JobAccepted::toJson));
  }

  public void get(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "jobId", "job");
    Replies.json(ctx, 200, persistence.request(GetAiJob.ENDPOINT, new GetAiJob(id, caller.id()))
        .map(AiJobRoutes::view));
  }

  /** docs/api.md's job: result, error and finishedAt only once there is one. */
  private static JsonObject view(AiJob job) {
    JsonObject view = new JsonObject()
        .put("id", job.id())
        .put("kind", job.kind())
        .put("status", job.status())
        .put("attempts", job.attempts())
        .put("createdAt", job.createdAt());
    if (job.result() != null) {
      view.put("result", job.result());
    }
    if (job.error() != null) {
      view.put("error", job.error());
    }
    if (job.finishedAt() != null) {
      view.put("finishedAt", job.finishedAt());
    }
    return view;
  }
}
