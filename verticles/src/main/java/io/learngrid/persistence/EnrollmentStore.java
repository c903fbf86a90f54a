package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.courses.CheckEnrollment;
import io.learngrid.bus.courses.CourseAccessChanged;
import io.learngrid.bus.courses.Unenroll;
import io.learngrid.bus.courses.Enroll;
import io.learngrid.bus.courses.Enrollment;
import io.learngrid.bus.courses.EnrollmentStatus;
import io.learngrid.bus.courses.ListStudents;
import io.learngrid.bus.courses.StudentList;
import io.learngrid.bus.events.CourseEventTypes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Enrollments: who takes which course. */
final class EnrollmentStore {

  // Only accounts with the student role can be enrolled; the insert says nothing when the row exists.
  private static final String INSERT = """
      INSERT INTO enrollments (course_id, student_id)
      SELECT $1, id FROM users WHERE id = $2 AND role = 'student'
      ON CONFLICT (course_id, student_id) DO NOTHING
      RETURNING enrolled_at""";
  private static final String EXISTING = "SELECT enrolled_at FROM enrollments WHERE course_id = $1 AND student_id = $2";
  // FOR SHARE: an archiving or deletion that commits meanwhile waits for this enrollment, or it for them.
  private static final String COURSE = """
      SELECT status, enrollment_policy, join_code FROM courses WHERE id = $1 AND deleted_at IS NULL FOR SHARE""";
  private static final String ENROLLED_LIVE = """
      SELECT 1 FROM enrollments e JOIN courses c ON c.id = e.course_id
      WHERE e.course_id = $1 AND e.student_id = $2 AND c.deleted_at IS NULL""";
  private static final String DELETE = """
      deleted AS (
        DELETE FROM enrollments WHERE course_id = $1 AND student_id = $2 RETURNING course_id, student_id
      ),
      %s AS (
        SELECT course_id, '%s' AS type, now() AS occurred_at, jsonb_build_object('studentId', student_id) AS data,
               '' AS ord
        FROM deleted
      )""";
  private static final String CREATED_EVENT = """
      %s AS (
        SELECT $1::uuid AS course_id, '%s' AS type, now() AS occurred_at,
               jsonb_build_object('studentId', $2::uuid) AS data, '' AS ord
      )""";
  private static final String STUDENTS = """
      SELECT u.id, u.display_name, u.email FROM enrollments e JOIN users u ON u.id = e.student_id
      WHERE e.course_id = $1 AND e.student_id > $2 ORDER BY e.student_id LIMIT $3""";
  private static final UUID FIRST = new UUID(0, 0);

  private final Pool pool;
  private final Pool reads;
  private final CourseEvents courseEvents;
  private final String delete;
  private final String createdEvent;
  private Vertx vertx;

  /**
   * {@code reads} serves the lists (a replica when configured, else the primary). An enrollment
   * made or ended puts its enrollment.created or enrollment.deleted in the course event outbox in
   * the same transaction.
   */
  EnrollmentStore(Pool pool, Pool reads, CourseEvents courseEvents) {
    this.pool = pool;
    this.reads = reads;
    this.courseEvents = courseEvents;
    this.delete = courseEvents.statement(DELETE.formatted(CourseEvents.SOURCE, CourseEventTypes.ENROLLMENT_DELETED),
        "(SELECT count(*) FROM deleted) AS deleted");
    this.createdEvent = courseEvents.statement(
        CREATED_EVENT.formatted(CourseEvents.SOURCE, CourseEventTypes.ENROLLMENT_CREATED), "1 AS one");
  }

  Future<Void> serve(Vertx vertx) {
    this.vertx = vertx;
    return Future.all(
        Rows.serve(vertx, Unenroll.ENDPOINT, this::unenroll),
        Rows.serve(vertx, Enroll.ENDPOINT, this::enroll),
        Rows.serve(vertx, CheckEnrollment.ENDPOINT, this::check),
        Rows.serve(vertx, ListStudents.ENDPOINT, this::students)).mapEmpty();
  }

  Future<Enrollment> enroll(Enroll request) {
    Tuple ids = Tuple.of(Rows.id(request.courseId(), "course"), Rows.id(request.studentId(), "student"));
    List<RowSet<Row>> stored = new ArrayList<>(1);
    return Idempotent.create(pool, request.userId(), request.idempotency(), e -> e.created() ? 201 : 200,
            Enrollment.class, conn -> conn.preparedQuery(COURSE).execute(Tuple.of(ids.getValue(0))).compose(course -> {
              if (course.size() == 0) {
                return Future.failedFuture(BusError.NOT_FOUND.exception("course not found"));
              }
              Row row = course.iterator().next();
              if ("archived".equals(row.getString("status"))) {
                return Future.failedFuture(BusError.CONFLICT.exception("the course is archived: it takes no new enrollments"));
              }
              String policy = row.getString("enrollment_policy");
              if (request.selfEnrollment() && "teacher".equals(policy)) {
                return Future.failedFuture(BusError.FORBIDDEN.exception("only the course's teacher enrolls students in it"));
              }
              if (request.selfEnrollment() && "code".equals(policy)
                  && !JoinCodes.matches(row.getString("join_code"), request.joinCode())) {
                return Future.failedFuture(BusError.FORBIDDEN.exception("joinCode is missing or not this course's"));
              }
              return conn.preparedQuery(INSERT).execute(ids);
            }).compose(inserted -> {
              if (inserted.size() == 1) {
                String enrolledAt = Rows.timestamp(inserted.iterator().next(), "enrolled_at");
                return conn.preparedQuery(createdEvent).execute(ids).map(events -> {
                  stored.add(events);
                  return enrollment(request, enrolledAt, true);
                });
              }
              return conn.preparedQuery(EXISTING).execute(ids).compose(rows -> Rows.one(rows,
                  row -> enrollment(request, Rows.timestamp(row, "enrolled_at"), false), "student not found"));
            }))
        // Committed: the event may be published.
        .onSuccess(enrollment -> stored.forEach(courseEvents::published))
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("course not found"))
            : Future.failedFuture(failure));
  }

  Future<EnrollmentStatus> check(CheckEnrollment request) {
    return pool.preparedQuery(ENROLLED_LIVE)
        .execute(Tuple.of(Rows.id(request.courseId(), "course"), Rows.id(request.studentId(), "student")))
        .map(rows -> new EnrollmentStatus(rows.size() > 0));
  }

  Future<Done> unenroll(Unenroll request) {
    UUID courseId = Rows.id(request.courseId(), "course");
    UUID studentId = Rows.id(request.studentId(), "student");
    return pool.preparedQuery(delete).execute(Tuple.of(courseId, studentId)).compose(deleted -> {
      if (deleted.iterator().next().getLong("deleted") == 0) {
        return Future.failedFuture(BusError.NOT_FOUND.exception("enrollment not found"));
      }
      courseEvents.published(deleted);
      // Every answer path forgets the enrollment it may have cached (see AnswerStore).
      vertx.eventBus().publish(CourseAccessChanged.ADDRESS,
          new CourseAccessChanged(courseId.toString(), studentId.toString()).toJson());
      return Future.succeededFuture(Done.INSTANCE);
    });
  }

  Future<StudentList> students(ListStudents request) {
    UUID after = request.afterId() == null ? FIRST : Rows.id(request.afterId(), "cursor");
    return reads.preparedQuery(STUDENTS)
        .execute(Tuple.of(Rows.id(request.courseId(), "course"), after, request.limit()))
        .map(rows -> {
          List<StudentList.Student> items = new ArrayList<>(rows.size());
          rows.forEach(row -> items.add(new StudentList.Student(row.getUUID("id").toString(),
              row.getString("display_name"), row.getString("email"))));
          return new StudentList(items);
        });
  }

  private static Enrollment enrollment(Enroll request, String enrolledAt, boolean created) {
    return new Enrollment(request.courseId(), request.studentId(), enrolledAt, created);
  }
}
