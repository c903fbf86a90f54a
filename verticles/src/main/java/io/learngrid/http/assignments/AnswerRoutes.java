package io.learngrid.http.assignments;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.Uuids;
import io.learngrid.bus.answers.SubmitAnswer;
import io.learngrid.bus.assignments.AssignmentStats;
import io.learngrid.bus.assignments.GetAssignmentStats;
import io.learngrid.http.Caller;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.security.UserRole;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Answer submission (enrolled students) and assignment statistics (the course's teacher). The
 * persistence role grades and stores; the reply comes only once the answer is durably stored.
 */
public final class AnswerRoutes {

  private static final Set<UserRole> STUDENTS = EnumSet.of(UserRole.STUDENT);

  private final BusClient persistence;

  public AnswerRoutes(Vertx vertx, long busTimeout) {
    this.persistence = new BusClient(vertx, busTimeout);
  }

  public void submit(RoutingContext ctx) {
    Caller caller = Caller.of(ctx).requireRole(STUDENTS);
    String assignmentId = Ids.path(ctx, "assignmentId", "assignment");
    Input input = Input.of(ctx);
    // Narrower than the contract's Id, as question ids are UUIDs: a longer one is a 400 as before.
    String questionId = input.textWithin("questionId", 1, 64);
    Object answer = input.answer("answer");
    input.validate();
    if (!Uuids.isUuid(questionId)) {
      throw new ProblemException(404, "assignment or question not found");
    }
    SubmitAnswer submission = new SubmitAnswer(caller.id(), assignmentId, Uuids.normalize(questionId),
        answer, IdempotencyKeys.of(ctx));
    Replies.created(ctx, persistence.request(SubmitAnswer.ENDPOINT, submission));
  }

  /** Only the teacher who owns the course sees its statistics; to anyone else the assignment does not exist. */
  public void stats(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String assignmentId = Ids.path(ctx, "assignmentId", "assignment");
    // A student enrolled in the course sees the assignment: the persistence role says 403 to them.
    if (caller.is(UserRole.ADMIN)) {
      throw new ProblemException(404, "assignment not found");
    }
    Replies.json(ctx, 200, persistence.request(GetAssignmentStats.ENDPOINT, new GetAssignmentStats(caller.id(), assignmentId))
        .map(AssignmentStats::toJson));
  }
}
