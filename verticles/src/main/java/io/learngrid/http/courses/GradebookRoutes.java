package io.learngrid.http.courses;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.answers.GetGradebook;
import io.learngrid.bus.answers.Gradebook;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Cursors;
import io.learngrid.http.Ids;
import io.learngrid.http.Paging;
import io.learngrid.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A course's gradebook for its teacher or an admin, a page of students at a time. Not cached: a
 * teacher reads it now and then, and a cached page would be stale after every fold of answers.
 */
public final class GradebookRoutes {

  private final Access access;
  private final Cursors cursors;
  private final BusClient persistence;

  public GradebookRoutes(Vertx vertx, Access access, Cursors cursors, long busTimeout) {
    this.access = access;
    this.cursors = cursors;
    this.persistence = new BusClient(vertx, busTimeout);
  }

  public void gradebook(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    Paging paging = Paging.of(ctx, cursors, "gradebook/" + courseId);
    Replies.json(ctx, 200, access.owned(caller, courseId, true)
        .compose(owned -> persistence.request(GetGradebook.ENDPOINT,
            new GetGradebook(courseId, paging.afterId(), paging.limit() + 1)))
        .map(page -> paging.reply(cursors, page.items(), Gradebook.StudentGrades::studentId, JsonObject::mapFrom)
            .put("asOf", page.asOf())));
  }
}
