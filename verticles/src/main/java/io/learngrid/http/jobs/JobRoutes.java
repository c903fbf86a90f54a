package io.learngrid.http.jobs;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.jobs.CreateJob;
import io.learngrid.bus.jobs.GetJob;
import io.learngrid.bus.jobs.Job;
import io.learngrid.bus.jobs.JobAccepted;
import io.learngrid.http.Caller;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Ids;
import io.learngrid.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Durable jobs over HTTP: a POST that starts one only queues it (202 with its id, never a wait on
 * the work), a runner of its kind on any node runs it, and its owner polls {@code GET /jobs/{id}}.
 * Others' jobs do not exist (404).
 */
public final class JobRoutes {

  private final BusClient persistence;

  public JobRoutes(Vertx vertx, long busTimeout) {
    this.persistence = new BusClient(vertx, busTimeout);
  }

  /** Queues a job of {@code kind} for the caller and replies 202 {@code {jobId}} (honouring Idempotency-Key). */
  public void queue(RoutingContext ctx, Caller caller, String kind, JsonObject input) {
    CreateJob create = new CreateJob(caller.id(), kind, input, IdempotencyKeys.of(ctx));
    Replies.json(ctx, 202, persistence.request(CreateJob.ENDPOINT, create).map(JobAccepted::toJson));
  }

  public void get(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "jobId", "job");
    Replies.json(ctx, 200, persistence.request(GetJob.ENDPOINT, new GetJob(id, caller.id())).map(JobRoutes::view));
  }

  /** docs/api.md's job: result, error and finishedAt only once there is one, progress while running. */
  private static JsonObject view(Job job) {
    JsonObject view = new JsonObject()
        .put("id", job.id())
        .put("kind", job.kind())
        .put("status", job.status())
        .put("attempts", job.attempts())
        .put("createdAt", job.createdAt());
    if (job.progress() != null) {
      view.put("progress", new JsonObject().put("done", job.progress().done()).put("total", job.progress().total()));
    }
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
