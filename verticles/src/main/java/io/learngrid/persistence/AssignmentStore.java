package io.learngrid.persistence;

import io.learngrid.bus.assignments.Assignment;
import io.learngrid.bus.assignments.AssignmentList;
import io.learngrid.bus.BusError;
import io.learngrid.bus.assignments.CreateAssignment;
import io.learngrid.bus.assignments.GetAssignment;
import io.learngrid.bus.assignments.ListAssignments;
import io.learngrid.bus.assignments.ListStudentAnswers;
import io.learngrid.bus.assignments.StudentAnswers;
import io.learngrid.bus.assignments.UpdateAssignment;
import io.learngrid.bus.assignments.AssignmentChanged;
import io.learngrid.bus.assignments.DeleteAssignment;
import io.learngrid.bus.Done;
import io.learngrid.bus.assignments.UpdateQuestion;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Assignments and their questions, written together and read together. */
final class AssignmentStore {

  private static final String INSERT = """
      INSERT INTO assignments (id, course_id, title, due_at, question_count, max_points) VALUES ($1, $2, $3, $4, $5, $6)
      RETURNING id""";
  // Version 1 of the answer key is kept like every later one, so a regrade can always be traced back.
  private static final String INSERT_QUESTION = """
      WITH q AS (
        INSERT INTO questions (assignment_id, position, prompt, kind, choices, answer, points)
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, answer, points
      )
      INSERT INTO question_versions (question_id, version, answer, points, changed_by)
      SELECT id, 1, answer, points, $8 FROM q RETURNING question_id AS id""";
  private static final String BY_ID = """
      SELECT a.id, a.course_id, c.teacher_id, a.title, a.due_at, a.lock_at, a.status
      FROM assignments a JOIN courses c ON c.id = a.course_id
      WHERE a.id = $1 AND a.deleted_at IS NULL AND c.deleted_at IS NULL""";
  // A given date replaces the stored one (a given null clears it); the check on the result keeps
  // lockAt from coming before dueAt whichever of the two the request changes.
  private static final String UPDATE = """
      UPDATE assignments SET title = coalesce($2, title),
             due_at = CASE WHEN $3 THEN $4 ELSE due_at END,
             lock_at = CASE WHEN $5 THEN $6 ELSE lock_at END,
             status = coalesce($7, status)
      WHERE id = $1 AND deleted_at IS NULL
        AND course_id IN (SELECT id FROM courses WHERE deleted_at IS NULL)
      RETURNING (lock_at IS NOT NULL AND due_at IS NOT NULL AND lock_at < due_at) AS lock_before_due""";
  private static final String DELETE = """
      UPDATE assignments SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL
        AND course_id IN (SELECT id FROM courses WHERE deleted_at IS NULL)""";
  // Newest first, by (submitted_at, event_id): the index answer_events_assignment_student walks it.
  private static final String STUDENT_ANSWERS = """
      SELECT event_id, question_id, answer, correct, points_awarded, submitted_at, late FROM answer_events
      WHERE assignment_id = $1 AND student_id = $2 AND ($3::timestamptz IS NULL OR (submitted_at, event_id) < ($3, $4))
      ORDER BY submitted_at DESC, event_id DESC LIMIT $5""";
  private static final String QUESTIONS = """
      SELECT id, position, prompt, kind, choices, answer, points FROM questions WHERE assignment_id = $1 ORDER BY position""";
  private static final String PAGE = """
      SELECT id, title, due_at, lock_at, status, question_count FROM assignments
      WHERE course_id = $1 AND id > $2 AND deleted_at IS NULL AND ($4 OR status = 'published') ORDER BY id LIMIT $3""";
  private static final UUID FIRST = new UUID(0, 0);
  // FOR UPDATE (not the FOR NO KEY UPDATE an UPDATE takes): it conflicts with the FOR KEY SHARE of
  // answer batches, so no batch graded with the old key commits after this edit unnoticed.
  private static final String LOCK_QUESTION = """
      SELECT q.kind, q.answer, q.points, q.key_version, c.teacher_id
      FROM questions q JOIN assignments a ON a.id = q.assignment_id JOIN courses c ON c.id = a.course_id
      WHERE q.id = $1 AND q.assignment_id = $2 AND a.deleted_at IS NULL AND c.deleted_at IS NULL
      FOR UPDATE OF q""";
  private static final String UPDATE_QUESTION = """
      UPDATE questions SET prompt = coalesce($2, prompt), choices = coalesce($3, choices), answer = $4, points = $5,
                           key_version = $6
      WHERE id = $1""";
  private static final String INSERT_VERSION = """
      INSERT INTO question_versions (question_id, version, answer, points, changed_by) VALUES ($1, $2, $3, $4, $5)""";
  private static final String INSERT_REGRADE = "INSERT INTO regrades (question_id, key_version) VALUES ($1, $2)";
  private static final String MAX_POINTS = """
      UPDATE assignments SET max_points = (SELECT sum(points) FROM questions WHERE assignment_id = $1) WHERE id = $1""";

  private final Pool pool;
  private final Pool reads;
  private Vertx vertx;

  /** {@code reads} serves the lists (a replica when configured, else the primary). */
  AssignmentStore(Pool pool, Pool reads) {
    this.pool = pool;
    this.reads = reads;
  }

  Future<Void> serve(Vertx vertx) {
    this.vertx = vertx;
    return Future.all(List.of(
        Rows.serve(vertx, CreateAssignment.ENDPOINT, this::create),
        Rows.serve(vertx, GetAssignment.ENDPOINT, this::get),
        Rows.serve(vertx, ListAssignments.ENDPOINT, this::list),
        Rows.serve(vertx, UpdateAssignment.ENDPOINT, this::update),
        Rows.serve(vertx, DeleteAssignment.ENDPOINT, this::delete),
        Rows.serve(vertx, ListStudentAnswers.ENDPOINT, this::studentAnswers),
        // A changed key drops the assignment's questions from every node's answer path.
        Rows.serve(vertx, UpdateQuestion.ENDPOINT, request -> updateQuestion(request)
            .andThen(done -> {
              if (done.succeeded() && done.result().keyChanged()) {
                changed(true, UUID.fromString(request.assignmentId()));
              }
            })
            .map(EditedQuestion::assignment)))).mapEmpty();
  }

  /** In one transaction, so a lockAt before dueAt is rolled back rather than stored. */
  Future<Assignment> update(UpdateAssignment request) {
    UUID id = Rows.id(request.id(), "assignment");
    Tuple change = Tuple.of(id, request.title(), request.setDueAt(), timestamp(request.dueAt()), request.setLockAt(),
        timestamp(request.lockAt()), request.status());
    return pool.withTransaction(conn -> conn.preparedQuery(UPDATE).execute(change).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(BusError.NOT_FOUND.exception("assignment not found"));
          }
          if (rows.iterator().next().getBoolean("lock_before_due")) {
            return Future.failedFuture(BusError.BAD_REQUEST.exception("lockAt must not be before dueAt"));
          }
          return read(conn, id);
        }))
        .andThen(updated -> changed(updated.succeeded(), id));
  }

  Future<Done> delete(DeleteAssignment request) {
    UUID id = Rows.id(request.id(), "assignment");
    return pool.preparedQuery(DELETE).execute(Tuple.of(id)).compose(rows -> rows.rowCount() == 1
            ? Future.succeededFuture(Done.INSTANCE)
            : Future.<Done>failedFuture(BusError.NOT_FOUND.exception("assignment not found")))
        .andThen(deleted -> changed(deleted.succeeded(), id));
  }

  /** Tells every answer path (every persistence node) to forget what it cached of the assignment. */
  private void changed(boolean succeeded, UUID id) {
    if (succeeded) {
      vertx.eventBus().publish(AssignmentChanged.ADDRESS, new AssignmentChanged(id.toString()).toJson());
    }
  }

  Future<StudentAnswers> studentAnswers(ListStudentAnswers request) {
    UUID assignmentId = Rows.id(request.assignmentId(), "assignment");
    UUID studentId = Rows.id(request.studentId(), "student");
    OffsetDateTime beforeAt = null;
    UUID beforeId = null;
    if (request.before() != null) {
      int bar = request.before().indexOf('|');
      try {
        beforeAt = OffsetDateTime.parse(request.before().substring(0, Math.max(bar, 0)));
      } catch (DateTimeParseException e) {
        throw BusError.BAD_REQUEST.exception("cursor is not valid");
      }
      beforeId = Rows.id(request.before().substring(bar + 1), "cursor");
    }
    return reads.preparedQuery(STUDENT_ANSWERS)
        .execute(Tuple.of(assignmentId, studentId, beforeAt, beforeId, request.limit()))
        .map(rows -> {
          List<StudentAnswers.Attempt> items = new ArrayList<>(rows.size());
          rows.forEach(row -> items.add(new StudentAnswers.Attempt(row.getUUID("event_id").toString(),
              row.getUUID("question_id").toString(), row.getValue("answer"), row.getBoolean("correct"),
              row.getInteger("points_awarded"), Rows.timestamp(row, "submitted_at"), row.getBoolean("late"))));
          return new StudentAnswers(items);
        });
  }

  private static OffsetDateTime timestamp(String text) {
    return text == null ? null : OffsetDateTime.parse(text);
  }

  private record EditedQuestion(Assignment assignment, boolean keyChanged) {}

  /**
   * One transaction: the question row is locked, and a changed answer or points becomes key version
   * n + 1 (kept in question_versions) with a regrade row that {@link Regrader} picks up.
   */
  private Future<EditedQuestion> updateQuestion(UpdateQuestion request) {
    UUID assignmentId = Rows.id(request.assignmentId(), "assignment");
    UUID questionId = Rows.id(request.questionId(), "question");
    UUID userId = Rows.id(request.userId(), "user");
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_QUESTION).execute(Tuple.of(questionId, assignmentId))
        .compose(rows -> Rows.one(rows, row -> row, "question not found"))
        .compose(row -> {
          if (!userId.equals(row.getUUID("teacher_id"))) {
            return Future.failedFuture(BusError.NOT_FOUND.exception("question not found"));
          }
          String kind = row.getString("kind");
          Object answer = request.answer() == null ? row.getValue("answer") : request.answer();
          int points = request.points() == null ? row.getInteger("points") : request.points();
          boolean pointsChanged = points != row.getInteger("points");
          boolean keyChanged = pointsChanged || !sameAnswer(kind, row.getValue("answer"), answer);
          int version = row.getInteger("key_version") + (keyChanged ? 1 : 0);
          JsonArray choices = request.choices() == null ? null : new JsonArray(request.choices());
          Future<?> written = conn.preparedQuery(UPDATE_QUESTION)
              .execute(Tuple.of(questionId, request.prompt(), choices, answer, points, version));
          if (keyChanged) {
            written = written
                .compose(v -> conn.preparedQuery(INSERT_VERSION).execute(Tuple.of(questionId, version, answer, points, userId)))
                .compose(v -> conn.preparedQuery(INSERT_REGRADE).execute(Tuple.of(questionId, version)));
          }
          if (pointsChanged) {
            written = written.compose(v -> conn.preparedQuery(MAX_POINTS).execute(Tuple.of(assignmentId)));
          }
          return written.compose(v -> read(conn, assignmentId)).map(a -> new EditedQuestion(a, keyChanged));
        }));
  }

  /** Whether a new answer grades like the old one: numbers by value (3 and 3.0), the rest exactly. */
  private static boolean sameAnswer(String kind, Object before, Object after) {
    if ("number".equals(kind)) {
      return Grader.number(before) == Grader.number(after);
    }
    return before.equals(after);
  }

  Future<Assignment> create(CreateAssignment request) {
    UUID courseId = Rows.id(request.courseId(), "course");
    OffsetDateTime dueAt = request.dueAt() == null ? null : OffsetDateTime.parse(request.dueAt());
    return Idempotent.create(pool, request.userId(), request.idempotency(), created -> 201, Assignment.class,
            conn -> insert(conn, courseId, request.title(), dueAt, request.questions(), Rows.id(request.userId(), "user"))
                .compose(id -> read(conn, id)))
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("course not found"))
            : Future.failedFuture(failure));
  }

  /** Inserts an assignment and its questions in the caller's transaction; a missing course is a foreign-key violation. */
  static Future<UUID> insert(SqlConnection conn, UUID courseId, String title, OffsetDateTime dueAt,
                             List<CreateAssignment.NewQuestion> questions, UUID userId) {
    int maxPoints = questions.stream().mapToInt(CreateAssignment.NewQuestion::points).sum();
    return conn.preparedQuery(INSERT)
        .execute(Tuple.of(TimeOrderedIds.next(), courseId, title, dueAt, questions.size(), maxPoints))
        .compose(rows -> insertQuestions(conn, rows.iterator().next().getUUID("id"), questions, userId));
  }

  private static Future<UUID> insertQuestions(SqlConnection conn, UUID assignmentId,
                                              List<CreateAssignment.NewQuestion> questions, UUID userId) {
    List<Tuple> rows = new ArrayList<>(questions.size());
    for (int i = 0; i < questions.size(); i++) {
      CreateAssignment.NewQuestion q = questions.get(i);
      rows.add(Tuple.of(assignmentId, i + 1, q.prompt(), q.kind(), q.choices() == null ? null : new JsonArray(q.choices()),
          q.answer(), q.points(), userId));
    }
    return conn.preparedQuery(INSERT_QUESTION).executeBatch(rows).map(assignmentId);
  }

  Future<Assignment> get(GetAssignment request) {
    UUID id = Rows.id(request.id(), "assignment");
    return pool.withConnection(conn -> read(conn, id));
  }

  private static Future<Assignment> read(SqlConnection conn, UUID id) {
    Future<RowSet<Row>> assignment = conn.preparedQuery(BY_ID).execute(Tuple.of(id));
    Future<RowSet<Row>> questions = conn.preparedQuery(QUESTIONS).execute(Tuple.of(id));
    return Future.all(assignment, questions).compose(both -> Rows.one(assignment.result(), row -> {
      List<Assignment.Question> items = new ArrayList<>();
      questions.result().forEach(q -> items.add(new Assignment.Question(q.getUUID("id").toString(), q.getInteger("position"),
          q.getString("prompt"), q.getString("kind"), choices(q), q.getInteger("points"), q.getValue("answer"))));
      return new Assignment(row.getUUID("id").toString(), row.getUUID("course_id").toString(),
          row.getUUID("teacher_id").toString(), row.getString("title"), Rows.timestamp(row, "due_at"), items,
          row.getString("status"), Rows.timestamp(row, "lock_at"));
    }, "assignment not found"));
  }

  Future<AssignmentList> list(ListAssignments request) {
    UUID after = request.afterId() == null ? FIRST : Rows.id(request.afterId(), "cursor");
    return reads.preparedQuery(PAGE)
        .execute(Tuple.of(Rows.id(request.courseId(), "course"), after, request.limit(), request.drafts()))
        .map(rows -> {
          List<AssignmentList.Summary> items = new ArrayList<>(rows.size());
          rows.forEach(row -> items.add(new AssignmentList.Summary(row.getUUID("id").toString(), row.getString("title"),
              Rows.timestamp(row, "due_at"), row.getInteger("question_count"), row.getString("status"),
              Rows.timestamp(row, "lock_at"))));
          return new AssignmentList(items);
        });
  }

  private static List<String> choices(Row row) {
    Object value = row.getValue("choices");
    if (!(value instanceof JsonArray array)) {
      return null;
    }
    List<String> choices = new ArrayList<>(array.size());
    array.forEach(choice -> choices.add(String.valueOf(choice)));
    return choices;
  }
}
