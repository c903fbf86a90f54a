package io.learngrid.http.courses;

import io.learngrid.bus.courses.ImportRoster;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.contract.ContractValidation;
import io.learngrid.http.courses.RosterParser.Roster;
import io.learngrid.http.jobs.JobRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /courses/{id}/roster}: a class list, as CSV or JSON, becomes a {@code roster} job
 * (accounts, enrollments and set-password emails are made by the job, in chunks, off the request).
 * The route is one class action against the teacher's budget however many rows it has.
 */
public final class RosterRoutes {

  /** 5,000 rows of a 254-character email and a 100-character name, quoted, fit in under 2 MiB. */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final Access access;
  private final JobRoutes jobs;

  public RosterRoutes(Vertx vertx, Access access, JobRoutes jobs) {
    this.vertx = vertx;
    this.access = access;
    this.jobs = jobs;
  }

  public void importRoster(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    // A 4 MiB upload parses in tens of milliseconds: on a worker thread, not the event loop.
    Future<Roster> roster = ContractValidation.isCsv(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))
        ? vertx.executeBlocking(() -> RosterParser.csv(ctx.body().buffer()), false)
        : Future.succeededFuture(RosterParser.json(Input.of(ctx)));
    access.owned(caller, courseId, false).compose(course -> roster).onComplete(checked -> {
      if (checked.failed()) {
        ctx.fail(checked.cause());
        return;
      }
      Roster rows = checked.result();
      jobs.queue(ctx, caller, JobKinds.ROSTER, new ImportRoster(courseId, rows.students(), rows.rejected()).toJson());
    });
  }
}
