package io.learngrid.persistence;

import io.learngrid.bus.assignments.AssignmentStats;
import io.learngrid.bus.assignments.AssignmentStats.QuestionStats;
import io.learngrid.bus.BusError;
import io.learngrid.bus.assignments.GetAssignmentStats;
import io.learngrid.bus.answers.GetGradebook;
import io.learngrid.bus.answers.GetMyProgress;
import io.learngrid.bus.answers.GetStudentProgress;
import io.learngrid.bus.answers.Gradebook;
import io.learngrid.bus.answers.Gradebook.AssignmentGrade;
import io.learngrid.bus.answers.Gradebook.StudentGrades;
import io.learngrid.bus.answers.Progress;
import io.learngrid.bus.answers.Progress.AssignmentProgress;
import io.learngrid.bus.answers.Progress.CourseProgress;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Progress and assignment statistics, read from the aggregates that {@link AnswerAggregator}
 * maintains. {@code asOf} is the aggregator's watermark (the submission time of the oldest event
 * not yet folded, or the time it looked when none was waiting), taken before the figures are
 * read: every event committed before the watermark was computed and submitted before it is in the
 * figures. Reading the watermark from memory keeps each read to one indexed query; computing it
 * per read walks the dead entries that the aggregator leaves in pending_events' index.
 */
final class ProgressStore {

  // One row per (course, assignment) of every course the student is enrolled in (one row with a
  // null assignment for a course without assignments), with the student's figures.
  private static final String PROGRESS = """
      SELECT e.course_id, a.id AS assignment_id, a.max_points,
             count(s.question_id)::int AS answered,
             (count(*) FILTER (WHERE s.correct))::int AS correct,
             coalesce(sum(s.best_points), 0)::int AS points
      FROM enrollments e
      JOIN courses c ON c.id = e.course_id AND c.deleted_at IS NULL
      LEFT JOIN assignments a ON a.course_id = e.course_id AND a.deleted_at IS NULL AND a.status = 'published'
      -- course_id too, so the lookup uses the (student_id, course_id) index, not every score of the assignment
      LEFT JOIN question_scores s ON s.student_id = e.student_id AND s.course_id = e.course_id AND s.assignment_id = a.id
      WHERE e.student_id = $1 AND ($2::uuid IS NULL OR e.course_id = $2)
      GROUP BY e.course_id, e.enrolled_at, a.id, a.created_at, a.max_points
      ORDER BY e.enrolled_at, e.course_id, a.created_at, a.id""";
  private static final String COURSE_ACCESS = """
      SELECT c.teacher_id,
             EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = c.id AND e.student_id = $2) AS enrolled
      FROM courses c WHERE c.id = $1 AND c.deleted_at IS NULL""";
  // seen: the requester is a student of the course who can see the (published) assignment.
  private static final String ASSIGNMENT_OWNER = """
      SELECT c.teacher_id, a.status = 'published'
               AND EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = c.id AND e.student_id = $2) AS seen
      FROM assignments a JOIN courses c ON c.id = a.course_id
      WHERE a.id = $1 AND a.deleted_at IS NULL AND c.deleted_at IS NULL""";
  private static final String STATS = """
      SELECT q.id, coalesce(sum(s.attempts), 0)::bigint AS attempts,
             count(*) FILTER (WHERE s.correct) AS correct,
             count(s.student_id) AS students,
             (SELECT count(DISTINCT student_id) FROM question_scores WHERE assignment_id = $1) AS all_students
      FROM questions q
      LEFT JOIN question_scores s ON s.assignment_id = q.assignment_id AND s.question_id = q.id
      WHERE q.assignment_id = $1
      GROUP BY q.id, q.position
      ORDER BY q.position""";

  // One row per (student of the page, assignment of the course), students in id order. The page's
  // scores are looked up by the (student_id, course_id) index for just those students: 4.7 ms
  // for a page of 100 students × 20 assignments, where joining the page to question_scores on the
  // course made the planner scan every score of the course (210 ms).
  private static final String GRADEBOOK = """
      WITH page AS (
        SELECT e.student_id, u.display_name FROM enrollments e JOIN users u ON u.id = e.student_id
        WHERE e.course_id = $1 AND e.student_id > $2 ORDER BY e.student_id LIMIT $3),
      scores AS (
        SELECT s.student_id, s.assignment_id, count(*)::int AS answered,
               (count(*) FILTER (WHERE s.correct))::int AS correct,
               sum(s.best_points)::int AS points, max(s.last_event_at) AS last_event_at
        FROM question_scores s
        WHERE s.student_id = ANY (ARRAY(SELECT student_id FROM page)) AND s.course_id = $1
        GROUP BY s.student_id, s.assignment_id)
      SELECT p.student_id, p.display_name, a.id AS assignment_id, a.max_points,
             coalesce(sc.answered, 0) AS answered, coalesce(sc.correct, 0) AS correct,
             coalesce(sc.points, 0) AS points, coalesce(sc.last_event_at > a.due_at, false) AS late
      FROM page p
      LEFT JOIN assignments a ON a.course_id = $1 AND a.deleted_at IS NULL
      LEFT JOIN scores sc ON sc.student_id = p.student_id AND sc.assignment_id = a.id
      ORDER BY p.student_id, a.created_at, a.id""";
  private static final UUID FIRST = new UUID(0, 0);

  private final Pool pool;
  private final Supplier<String> watermark;

  ProgressStore(Pool pool, Supplier<String> watermark) {
    this.pool = pool;
    this.watermark = watermark;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, GetMyProgress.ENDPOINT, this::mine),
        Rows.serve(vertx, GetStudentProgress.ENDPOINT, this::student),
        Rows.serve(vertx, GetAssignmentStats.ENDPOINT, this::stats),
        Rows.serve(vertx, GetGradebook.ENDPOINT, this::gradebook)).mapEmpty();
  }

  Future<Progress> mine(GetMyProgress request) {
    UUID studentId = Rows.id(request.studentId(), "student");
    return progress(studentId, null);
  }

  /** The course's teacher or an admin, about a student enrolled in it; anything else looks like nothing. */
  Future<Progress> student(GetStudentProgress request) {
    UUID courseId = Rows.id(request.courseId(), "progress");
    UUID studentId = Rows.id(request.studentId(), "progress");
    UUID requesterId = Rows.id(request.requesterId(), "progress");
    return pool.preparedQuery(COURSE_ACCESS).execute(Tuple.of(courseId, studentId)).compose(rows -> {
      var it = rows.iterator();
      Row course = it.hasNext() ? it.next() : null;
      boolean allowed = course != null && course.getBoolean("enrolled")
          && (UserRole.ADMIN.is(request.requesterRole()) || requesterId.equals(course.getUUID("teacher_id")));
      return allowed ? progress(studentId, courseId)
          : Future.failedFuture(BusError.NOT_FOUND.exception("progress not found"));
    });
  }

  private Future<Progress> progress(UUID studentId, UUID courseId) {
    String asOf = watermark.get(); // before the read: the figures are at least this fresh
    return pool.preparedQuery(PROGRESS).execute(Tuple.of(studentId, courseId))
        .map(rows -> progressFrom(studentId, rows, asOf));
  }

  private static Progress progressFrom(UUID studentId, RowSet<Row> rows, String asOf) {
    List<CourseProgress> courses = new ArrayList<>();
    UUID current = null;
    List<AssignmentProgress> assignments = null;
    for (Row row : rows) {
      UUID courseId = row.getUUID("course_id");
      if (!courseId.equals(current)) {
        current = courseId;
        assignments = new ArrayList<>();
        courses.add(new CourseProgress(courseId.toString(), assignments));
      }
      UUID assignmentId = row.getUUID("assignment_id");
      if (assignmentId != null) {
        assignments.add(new AssignmentProgress(assignmentId.toString(), row.getInteger("answered"),
            row.getInteger("correct"), row.getInteger("points"), row.getInteger("max_points")));
      }
    }
    return new Progress(studentId.toString(), courses, asOf);
  }

  /** One page of students, every assignment of the course each: a single query whatever the page holds. */
  Future<Gradebook> gradebook(GetGradebook request) {
    UUID courseId = Rows.id(request.courseId(), "course");
    UUID after = request.afterId() == null ? FIRST : Rows.id(request.afterId(), "cursor");
    String asOf = watermark.get();
    return pool.preparedQuery(GRADEBOOK).execute(Tuple.of(courseId, after, request.limit()))
        .map(rows -> gradebookFrom(rows, asOf));
  }

  private static Gradebook gradebookFrom(RowSet<Row> rows, String asOf) {
    List<StudentGrades> students = new ArrayList<>();
    UUID current = null;
    List<AssignmentGrade> assignments = null;
    for (Row row : rows) {
      UUID studentId = row.getUUID("student_id");
      if (!studentId.equals(current)) {
        current = studentId;
        assignments = new ArrayList<>();
        students.add(new StudentGrades(studentId.toString(), row.getString("display_name"), assignments));
      }
      UUID assignmentId = row.getUUID("assignment_id");
      if (assignmentId != null) {
        assignments.add(new AssignmentGrade(assignmentId.toString(), row.getInteger("answered"),
            row.getInteger("correct"), row.getInteger("points"), row.getInteger("max_points"), row.getBoolean("late")));
      }
    }
    return new Gradebook(students, asOf);
  }

  /** Only the teacher who owns the assignment's course; a student who can see the assignment is refused (403). */
  Future<AssignmentStats> stats(GetAssignmentStats request) {
    UUID assignmentId = Rows.id(request.assignmentId(), "assignment");
    UUID requesterId = Rows.id(request.requesterId(), "assignment");
    return pool.preparedQuery(ASSIGNMENT_OWNER).execute(Tuple.of(assignmentId, requesterId)).compose(owner -> {
      var it = owner.iterator();
      Row row = it.hasNext() ? it.next() : null;
      if (row != null && !requesterId.equals(row.getUUID("teacher_id")) && row.getBoolean("seen")) {
        return Future.failedFuture(BusError.FORBIDDEN.exception("only the course's teacher may see an assignment's statistics"));
      }
      if (row == null || !requesterId.equals(row.getUUID("teacher_id"))) {
        return Future.failedFuture(BusError.NOT_FOUND.exception("assignment not found"));
      }
      String asOf = watermark.get();
      return pool.preparedQuery(STATS).execute(Tuple.of(assignmentId)).map(rows -> statsFrom(assignmentId, rows, asOf));
    });
  }

  private static AssignmentStats statsFrom(UUID assignmentId, RowSet<Row> rows, String asOf) {
    List<QuestionStats> questions = new ArrayList<>(rows.size());
    long students = 0;
    long submissions = 0;
    for (Row row : rows) {
      QuestionStats question = new QuestionStats(row.getUUID("id").toString(), row.getLong("attempts"),
          row.getLong("correct"), row.getLong("students"));
      questions.add(question);
      submissions += question.attempts();
      students = row.getLong("all_students");
    }
    return new AssignmentStats(assignmentId.toString(), students, submissions, questions, asOf);
  }
}
