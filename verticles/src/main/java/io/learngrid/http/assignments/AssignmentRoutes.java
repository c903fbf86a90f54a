package io.learngrid.http.assignments;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.assignments.Assignment;
import io.learngrid.bus.assignments.AssignmentList;
import io.learngrid.bus.Uuids;
import io.learngrid.bus.assignments.CopyAssignment;
import io.learngrid.bus.assignments.CreateAssignment;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.bus.assignments.GetAssignment;
import io.learngrid.bus.assignments.ListAssignments;
import io.learngrid.bus.assignments.DeleteAssignment;
import io.learngrid.bus.assignments.ListStudentAnswers;
import io.learngrid.bus.assignments.StudentAnswers;
import io.learngrid.bus.assignments.UpdateAssignment;
import io.learngrid.http.Access;
import io.learngrid.http.Caller;
import io.learngrid.http.Cursors;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.Paging;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.http.jobs.JobRoutes;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Assignments: their teacher creates them and sees the answers; enrolled students see them
 * without answers. To anyone else an assignment does not exist (404).
 */
public final class AssignmentRoutes {


  private final CacheAside cache;
  private final Access access;
  private final Cursors cursors;
  private final BusClient persistence;
  private final int ttlSeconds;
  private final JobRoutes jobs;

  public AssignmentRoutes(Vertx vertx, CacheAside cache, Access access, Cursors cursors, JobRoutes jobs, long busTimeout,
                          int ttlSeconds) {
    this.cache = cache;
    this.jobs = jobs;
    this.access = access;
    this.cursors = cursors;
    this.persistence = new BusClient(vertx, busTimeout);
    this.ttlSeconds = ttlSeconds;
  }

  public void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    Input input = Input.of(ctx);
    String title = input.text("title");
    var dueAt = input.optionalTimestamp("dueAt");
    List<CreateAssignment.NewQuestion> questions = new ArrayList<>();
    for (Input question : input.objects("questions")) {
      questions.add(question(question));
    }
    input.validate();
    CreateAssignment create = new CreateAssignment(courseId, title, dueAt == null ? null : dueAt.toString(), questions,
        caller.id(), IdempotencyKeys.of(ctx));
    Replies.json(ctx, 201, access.owned(caller, courseId, false)
        .compose(owned -> persistence.request(CreateAssignment.ENDPOINT, create))
        .map(assignment -> view(assignment, true)));
  }

  /**
   * The same assignment in several of the caller's courses, as an {@code assignments} job: every
   * course is checked now (a course that is not the caller's is 403, a missing one 404, as for one
   * assignment), and again by the job, in the transaction that creates the copies.
   */
  public void copy(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Input input = Input.of(ctx);
    List<String> courseIds = new ArrayList<>();
    List<String> given = input.strings("courseIds");
    if (given != null) {
      for (String id : given) {
        if (!Uuids.isUuid(id)) {
          input.reject("courseIds", "names something that is not a course id");
          break;
        }
        String course = Uuids.normalize(id);
        if (!courseIds.contains(course)) {
          courseIds.add(course);
        }
      }
    }
    String title = input.text("title");
    var dueAt = input.optionalTimestamp("dueAt");
    List<CreateAssignment.NewQuestion> questions = new ArrayList<>();
    for (Input question : input.objects("questions")) {
      questions.add(question(question));
    }
    input.validate();
    List<Future<?>> owned = courseIds.stream().<Future<?>>map(course -> access.owned(caller, course, false)).toList();
    Future.all(owned).onComplete(checked -> {
      if (checked.failed()) {
        ctx.fail(checked.cause());
        return;
      }
      CopyAssignment copy = new CopyAssignment(caller.id(), courseIds, title, dueAt == null ? null : dueAt.toString(),
          questions);
      jobs.queue(ctx, caller, JobKinds.ASSIGNMENTS, copy.toJson());
    });
  }

  /**
   * One question. Its fields' shapes are the contract's (QuestionInput, which also requires choices
   * of a choice question); what is left is the rule across fields: {@code answer} must fit its kind,
   * one of the choices, a non-empty text (AnswerValue allows "" and numbers), or a number.
   */
  private static CreateAssignment.NewQuestion question(Input q) {
    String prompt = q.text("prompt");
    String kind = q.text("kind");
    Integer points = q.integer("points");
    List<String> choices = null;
    Object answer = q.raw("answer");
    if ("choice".equals(kind)) {
      choices = q.strings("choices");
      if (choices != null && !(answer instanceof String chosen && choices.contains(chosen))) {
        q.reject("answer", "must be one of the choices");
      }
    } else if (kind != null && q.has("choices")) {
      q.reject("choices", "only choice questions have choices");
    }
    if ("text".equals(kind)) {
      answer = q.textWithin("answer", 1, 2000);
    } else if ("number".equals(kind) && !(answer instanceof Number number && Double.isFinite(number.doubleValue()))) {
      q.reject("answer", "must be a number");
    }
    return new CreateAssignment.NewQuestion(prompt, kind, choices, answer, points == null ? 0 : points);
  }

  public void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String courseId = Ids.path(ctx, "courseId", "course");
    Paging paging = Paging.of(ctx, cursors, "assignments/" + courseId);
    // true for the course's teacher, who also sees drafts
    Future<Boolean> allowed = access.course(courseId).compose(course -> {
      if (caller.id().equals(course.teacherId())) {
        return Future.succeededFuture(true);
      }
      return (caller.is(UserRole.STUDENT) ? access.enrolled(courseId, caller.id()) : Future.succeededFuture(false))
          .map(enrolled -> {
            if (!enrolled) {
              throw new ProblemException(403, "only the course's teacher and its students may list its assignments");
            }
            return false;
          });
    });
    Replies.json(ctx, 200, allowed
        .compose(teacher -> persistence.request(ListAssignments.ENDPOINT, new ListAssignments(courseId, paging.afterId(),
            paging.limit() + 1, teacher)))
        .map(page -> paging.reply(cursors, page.items(), AssignmentList.Summary::id, summary -> new JsonObject()
            .put("id", summary.id())
            .put("title", summary.title())
            .put("dueAt", summary.dueAt())
            .put("lockAt", summary.lockAt())
            .put("status", summary.status())
            .put("questionCount", summary.questionCount()))));
  }

  public void get(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "assignmentId", "assignment");
    Replies.json(ctx, 200, assignment(id).compose(found -> {
      if (caller.id().equals(found.teacherId())) {
        return Future.succeededFuture(view(found, true));
      }
      return (caller.is(UserRole.STUDENT) && !found.draft() ? access.enrolled(found.courseId(), caller.id())
              : Future.succeededFuture(false))
          .map(enrolled -> {
            if (!enrolled) {
              throw new ProblemException(404, "assignment not found");
            }
            return view(found, false);
          });
    }));
  }

  private Future<Assignment> assignment(String id) {
    return cache.readAs("assignment", key(id), ttlSeconds, Assignment.class,
        () -> persistence.request(GetAssignment.ENDPOINT, new GetAssignment(id)));
  }

  private static String key(String assignmentId) {
    return "assignment:" + assignmentId;
  }

  /**
   * The assignment, when the caller teaches its course. A student of the course who can see it gets
   * 403; anyone else 404 (students never learn of drafts).
   */
  private Future<Assignment> owned(Caller caller, String id) {
    return assignment(id).compose(found -> {
      if (caller.id().equals(found.teacherId())) {
        return Future.succeededFuture(found);
      }
      return (caller.is(UserRole.STUDENT) && !found.draft() ? access.enrolled(found.courseId(), caller.id())
              : Future.succeededFuture(false))
          .map(seen -> {
            throw seen ? new ProblemException(403, "only the course's teacher may do this")
                : new ProblemException(404, "assignment not found");
          });
    });
  }

  /** A given {@code dueAt} or {@code lockAt} of null clears that date; an absent one keeps it. */
  public void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "assignmentId", "assignment");
    Input input = Input.of(ctx);
    String title = input.optionalText("title");
    var dueAt = input.optionalTimestamp("dueAt");
    var lockAt = input.optionalTimestamp("lockAt");
    String status = input.optionalText("status");
    input.validate();
    UpdateAssignment update = new UpdateAssignment(id, title, input.names("dueAt"), dueAt == null ? null : dueAt.toString(),
        input.names("lockAt"), lockAt == null ? null : lockAt.toString(), status);
    Replies.json(ctx, 200, owned(caller, id)
        .compose(owned -> persistence.request(UpdateAssignment.ENDPOINT, update))
        .compose(updated -> cache.invalidate(key(id)).compose(v -> cache.retireProgress()).map(view(updated, true))));
  }

  /** Soft: the answer events stay in the log; every read of the assignment and its scores goes. */
  public void delete(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "assignmentId", "assignment");
    Replies.noContent(ctx, owned(caller, id)
        .compose(owned -> persistence.request(DeleteAssignment.ENDPOINT, new DeleteAssignment(id)))
        .compose(done -> cache.invalidate(key(id)))
        .compose(v -> cache.retireProgress()));
  }

  /** The teacher's view of one student's attempts, newest first. */
  public void studentAnswers(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = Ids.path(ctx, "assignmentId", "assignment");
    String studentId = Ids.path(ctx, "studentId", "student");
    Paging paging = Paging.of(ctx, cursors, "answers/" + id + "/" + studentId);
    Replies.json(ctx, 200, owned(caller, id)
        .compose(owned -> persistence.request(ListStudentAnswers.ENDPOINT,
            new ListStudentAnswers(id, studentId, paging.afterId(), paging.limit() + 1)))
        .map(page -> paging.reply(cursors, page.items(), StudentAnswers.Attempt::cursor, attempt -> new JsonObject()
            .put("eventId", attempt.eventId())
            .put("questionId", attempt.questionId())
            .put("answer", attempt.answer())
            .put("correct", attempt.correct())
            .put("pointsAwarded", attempt.pointsAwarded())
            .put("submittedAt", attempt.submittedAt())
            .put("late", attempt.late()))));
  }

  /** docs/api.md's assignment; answers only for its teacher. */
  static JsonObject view(Assignment assignment, boolean withAnswers) {
    JsonArray questions = new JsonArray();
    for (Assignment.Question q : assignment.questions()) {
      JsonObject question = new JsonObject()
          .put("id", q.id())
          .put("position", q.position())
          .put("prompt", q.prompt())
          .put("kind", q.kind())
          .put("points", q.points());
      if (q.choices() != null) {
        question.put("choices", new JsonArray(q.choices()));
      }
      if (withAnswers) {
        question.put("answer", q.answer());
      }
      questions.add(question);
    }
    return new JsonObject()
        .put("id", assignment.id())
        .put("courseId", assignment.courseId())
        .put("title", assignment.title())
        .put("dueAt", assignment.dueAt())
        .put("lockAt", assignment.lockAt())
        .put("status", assignment.status())
        .put("questions", questions);
  }
}
