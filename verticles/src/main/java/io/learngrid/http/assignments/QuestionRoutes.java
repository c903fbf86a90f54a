package io.learngrid.http.assignments;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.assignments.Assignment;
import io.learngrid.bus.assignments.GetAssignment;
import io.learngrid.bus.assignments.UpdateQuestion;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Question edits by the assignment's teacher. An enrolled student, who can see the assignment,
 * gets 403; to anyone else it does not exist (404). The edited question must pass the checks of
 * creation, applied to the question as it will be (its kind never changes).
 */
public final class QuestionRoutes {

  private final CacheAside cache;
  private final Access access;
  private final BusClient persistence;
  private final int ttlSeconds;

  public QuestionRoutes(Vertx vertx, CacheAside cache, Access access, long busTimeout, int ttlSeconds) {
    this.cache = cache;
    this.access = access;
    this.persistence = new BusClient(vertx, busTimeout);
    this.ttlSeconds = ttlSeconds;
  }

  public void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "assignmentId", "assignment");
    String questionId = Ids.path(ctx, "questionId", "question");
    Input input = Input.of(ctx);
    String prompt = input.optionalText("prompt");
    List<String> choices = input.has("choices") ? input.strings("choices") : null;
    Object answer = input.raw("answer");
    Integer points = input.has("points") ? input.integer("points") : null;
    input.validate();
    Future<Assignment> assignment = cache.readAs("assignment", "assignment:" + id, ttlSeconds, Assignment.class,
        () -> persistence.request(GetAssignment.ENDPOINT, new GetAssignment(id)));
    Replies.json(ctx, 200, assignment
        .compose(found -> owned(caller, found).map(found))
        .compose(found -> {
          Assignment.Question question = found.questions().stream().filter(q -> q.id().equals(questionId)).findFirst()
              .orElseThrow(() -> new ProblemException(404, "question not found"));
          Object checkedAnswer = check(input, question, choices, answer);
          return persistence.request(UpdateQuestion.ENDPOINT,
              new UpdateQuestion(caller.id(), id, questionId, prompt, choices, checkedAnswer, points));
        })
        .compose(updated -> cache.invalidate("assignment:" + id).map(updated))
        .map(updated -> AssignmentRoutes.view(updated, true)));
  }

  private Future<Void> owned(Caller caller, Assignment assignment) {
    if (caller.id().equals(assignment.teacherId())) {
      return Future.succeededFuture();
    }
    return (caller.is(UserRole.STUDENT) ? access.enrolled(assignment.courseId(), caller.id()) : Future.succeededFuture(false))
        .map(enrolled -> {
          throw enrolled
              ? new ProblemException(403, "only the assignment's teacher may edit its questions")
              : new ProblemException(404, "assignment not found");
        });
  }

  /** Creation's rules over the question as edited; the answer as it will be stored (null: unchanged). */
  private static Object check(Input input, Assignment.Question question, List<String> newChoices, Object newAnswer) {
    String kind = question.kind();
    Object answer = newAnswer == null ? question.answer() : newAnswer;
    if ("choice".equals(kind)) {
      List<String> choices = newChoices == null ? question.choices() : newChoices;
      if (!(answer instanceof String chosen && choices != null && choices.contains(chosen))) {
        input.reject("answer", "must be one of the choices");
      }
    } else if (newChoices != null) {
      input.reject("choices", "only choice questions have choices");
    }
    if ("text".equals(kind) && newAnswer != null) {
      newAnswer = input.textWithin("answer", 1, 2000);
    } else if ("number".equals(kind) && !(answer instanceof Number number && Double.isFinite(number.doubleValue()))) {
      input.reject("answer", "must be a number");
    }
    input.validate();
    return newAnswer;
  }
}
