package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Created;
import io.learngrid.bus.Idempotency;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.Uuids;
import io.learngrid.bus.answers.SubmitAnswer;
import io.learngrid.bus.assignments.AssignmentChanged;
import io.learngrid.bus.courses.CourseAccessChanged;
import io.learngrid.persistence.AnswerBatches.Submission;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Answer submission: checks that the question belongs to the assignment and that the student is
 * enrolled in its course, grades the answer at once and hands the event to the group commit of
 * {@link AnswerBatches}. Questions (with their assignment's status and dates) and enrollments (only
 * when positive, with their course's status) are kept in bounded in-memory caches: a change of the
 * assignment is published as {@link AssignmentChanged} and drops its questions; an unenrollment,
 * archiving or deletion is published as {@link CourseAccessChanged} and drops the enrollments it
 * touches. Each event records the answer-key version it was graded with, and one graded with a
 * stale key is regraded ({@link Regrader}). A cached
 * lookup that is still running is shared by every submission that needs it.
 *
 * <p>An unknown assignment, a question of another assignment and a course the student is not
 * enrolled in all give the same 404, so a student learns nothing about what exists elsewhere.
 */
final class AnswerStore {

  static final String NOT_FOUND = "assignment or question not found";
  private static final String QUESTION = """
      SELECT q.assignment_id, a.course_id, q.kind, q.answer, q.points, q.key_version, a.status, a.due_at, a.lock_at
      FROM questions q JOIN assignments a ON a.id = q.assignment_id
      WHERE q.id = $1 AND a.deleted_at IS NULL""";
  // The course's status with the enrollment: an archived course takes no answers, a deleted one is not there.
  private static final String ENROLLED = """
      SELECT c.status FROM enrollments e JOIN courses c ON c.id = e.course_id
      WHERE e.course_id = $1 AND e.student_id = $2 AND c.deleted_at IS NULL""";

  /**
   * What grading needs of a question, with what its assignment says of taking answers (status,
   * dates; null dates are unset). {@code answer} is the stored JSON value (a string or a number).
   */
  record Question(UUID assignmentId, UUID courseId, String kind, Object answer, int points, int keyVersion,
                  String status, Instant dueAt, Instant lockAt) {}

  private record Enrollment(UUID courseId, UUID studentId) {}

  private final Pool pool;
  private final AnswerBatches batches;
  private final Lru<UUID, Future<Question>> questions;
  /** The course's status for an enrollment that exists; forgotten on {@link CourseAccessChanged}. */
  private final Lru<Enrollment, Future<String>> enrollments;

  AnswerStore(Pool pool, AnswerBatches batches, int questionCacheSize, int enrollmentCacheSize) {
    this.pool = pool;
    this.batches = batches;
    this.questions = new Lru<>(questionCacheSize);
    this.enrollments = new Lru<>(enrollmentCacheSize);
  }

  /**
   * An edited answer key drops the assignment's cached questions on every node (the edit publishes
   * {@link AssignmentChanged}); a node that misses it still learns from its next batch ({@link AnswerBatches#onStaleKey}), and what it
   * graded with the old key is regraded ({@link Regrader}).
   */
  Future<Void> serve(Vertx vertx) {
    // A publish from the store that archived, deleted or unenrolled, on whichever node that was.
    Future<Void> forgetting = vertx.eventBus().<JsonObject>consumer(CourseAccessChanged.ADDRESS,
        message -> forget(BusJson.fromJson(message.body(), CourseAccessChanged.class))).completion();
    Future<Void> forgettingAssignments = vertx.eventBus().<JsonObject>consumer(AssignmentChanged.ADDRESS,
        message -> forget(BusJson.fromJson(message.body(), AssignmentChanged.class))).completion();
    batches.onStaleKey(this::forget);
    return Future.all(forgetting, forgettingAssignments, Rows.serve(vertx, SubmitAnswer.ENDPOINT, this::submit))
        .mapEmpty();
  }

  private void forget(AssignmentChanged change) {
    UUID assignmentId = Uuids.parse(change.assignmentId());
    questions.values().removeIf(question -> {
      // A lookup still running read the row before the change, or after it: forget it either way.
      Question known = question.succeeded() ? question.result() : null;
      return known == null || known.assignmentId().equals(assignmentId);
    });
  }

  private void forget(CourseAccessChanged change) {
    enrollments.keySet().removeIf(key -> key.courseId().toString().equals(change.courseId())
        && (change.studentId() == null || key.studentId().toString().equals(change.studentId())));
  }

  void forget(UUID questionId) {
    questions.remove(questionId);
  }

  Future<Created> submit(SubmitAnswer request) {
    UUID studentId = Rows.id(request.studentId(), "student");
    UUID assignmentId = Rows.id(request.assignmentId(), "assignment or question");
    UUID questionId = Rows.id(request.questionId(), "assignment or question");
    String answerJson = answerJson(request.answer());
    Idempotency idempotency = request.idempotency();
    Buffer requestHash = idempotency == null ? null : requestHash(idempotency);
    return question(questionId).compose(question -> {
      // A draft is invisible to students: its questions are as unknown as any other's.
      if (question == null || !question.assignmentId().equals(assignmentId) || "draft".equals(question.status())) {
        return Future.failedFuture(BusError.NOT_FOUND.exception(NOT_FOUND));
      }
      return enrolled(question.courseId(), studentId).compose(courseStatus -> {
        if (courseStatus == null) {
          return Future.failedFuture(BusError.NOT_FOUND.exception(NOT_FOUND));
        }
        if ("archived".equals(courseStatus)) {
          return Future.failedFuture(BusError.CONFLICT.exception("the course is archived: it takes no new answers"));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
        if (question.lockAt() != null && !now.isBefore(question.lockAt())) {
          return Future.failedFuture(BusError.CONFLICT.exception("the assignment is locked: it takes no new answers"));
        }
        boolean late = question.dueAt() != null && now.isAfter(question.dueAt());
        UUID eventId = EventIds.next(now.toEpochMilli());
        boolean correct = Grader.correct(question.kind(), question.answer(), request.answer());
        int points = correct ? question.points() : 0;
        JsonObject response = new JsonObject()
            .put("eventId", eventId.toString())
            .put("questionId", questionId.toString())
            .put("correct", correct)
            .put("pointsAwarded", points)
            .put("submittedAt", now.toString())
            .put("late", late);
        return batches.add(new Submission(eventId, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), studentId,
            question.courseId(), assignmentId, questionId, question.keyVersion(), answerJson, correct, points, late,
            idempotency == null ? null : idempotency.key(), requestHash, response, Promise.promise()));
      });
    });
  }

  private Future<Question> question(UUID id) {
    Future<Question> cached = questions.get(id);
    if (cached != null) {
      return cached;
    }
    Future<Question> loaded = pool.preparedQuery(QUESTION).execute(Tuple.of(id)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? question(it.next()) : null;
    });
    questions.put(id, loaded);
    // Only questions that exist stay: an id that names nothing may be a question created later.
    loaded.onComplete(found -> {
      if (found.failed() || found.result() == null) {
        questions.remove(id, loaded);
      }
    });
    return loaded;
  }

  private static Question question(Row row) {
    return new Question(row.getUUID("assignment_id"), row.getUUID("course_id"), row.getString("kind"),
        row.getValue("answer"), row.getInteger("points"), row.getInteger("key_version"), row.getString("status"),
        instant(row, "due_at"), instant(row, "lock_at"));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  /** The course's status when the student is enrolled in it, else null. */
  private Future<String> enrolled(UUID courseId, UUID studentId) {
    Enrollment key = new Enrollment(courseId, studentId);
    Future<String> cached = enrollments.get(key);
    if (cached != null) {
      return cached;
    }
    Future<String> loaded = pool.preparedQuery(ENROLLED).execute(Tuple.of(courseId, studentId))
        .map(rows -> rows.size() > 0 ? rows.iterator().next().getString("status") : null);
    enrollments.put(key, loaded);
    loaded.onComplete(found -> {
      if (found.failed() || found.result() == null) {
        enrollments.remove(key, loaded);
      }
    });
    return loaded;
  }

  /**
   * The answer as JSON text for answer_events.answer. The http role has checked it; this repeats
   * what PostgreSQL would reject, because one bad row would fail a whole batch of other students'
   * answers.
   */
  private static String answerJson(Object answer) {
    if (answer instanceof String text) {
      if (text.indexOf('\0') >= 0) {
        throw BusError.BAD_REQUEST.exception("answer must not contain NUL characters");
      }
      return Json.encode(text);
    }
    if (answer instanceof Integer || answer instanceof Long || answer instanceof BigInteger
        || answer instanceof BigDecimal) {
      return answer.toString();
    }
    if (answer instanceof Number number && Double.isFinite(number.doubleValue())) {
      return Json.encode(number);
    }
    throw BusError.BAD_REQUEST.exception("answer must be a string or a finite number");
  }

  private static Buffer requestHash(Idempotency idempotency) {
    String key = idempotency.key();
    if (key == null || key.isEmpty() || key.length() > 255 || key.indexOf('\0') >= 0 || idempotency.requestHash() == null) {
      throw BusError.BAD_REQUEST.exception("Idempotency-Key must be 1 to 255 characters with a request hash");
    }
    try {
      return Buffer.buffer(Base64.getDecoder().decode(idempotency.requestHash()));
    } catch (IllegalArgumentException e) {
      throw BusError.BAD_REQUEST.exception("requestHash must be base64");
    }
  }
}
