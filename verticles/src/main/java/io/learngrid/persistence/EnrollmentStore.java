package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.courses.CheckEnrollment;
import io.learngrid.bus.courses.Enroll;
import io.learngrid.bus.courses.Enrollment;
import io.learngrid.bus.courses.EnrollmentStatus;
import io.learngrid.bus.courses.ListStudents;
import io.learngrid.bus.courses.StudentList;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
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
  private static final String STUDENTS = """
      SELECT u.id, u.display_name, u.email FROM enrollments e JOIN users u ON u.id = e.student_id
      WHERE e.course_id = $1 AND e.student_id > $2 ORDER BY e.student_id LIMIT $3""";
  private static final UUID FIRST = new UUID(0, 0);

  private final Pool pool;
  private final Pool reads;

  /** {@code reads} serves the lists (a replica when configured, else the primary). */
  EnrollmentStore(Pool pool, Pool reads) {
    this.pool = pool;
    this.reads = reads;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, Enroll.ENDPOINT, this::enroll),
        Rows.serve(vertx, CheckEnrollment.ENDPOINT, this::check),
        Rows.serve(vertx, ListStudents.ENDPOINT, this::students)).mapEmpty();
  }

  Future<Enrollment> enroll(Enroll request) {
    Tuple ids = Tuple.of(Rows.id(request.courseId(), "course"), Rows.id(request.studentId(), "student"));
    return Idempotent.create(pool, request.userId(), request.idempotency(), e -> e.created() ? 201 : 200,
            Enrollment.class, conn -> conn.preparedQuery(INSERT).execute(ids).compose(inserted -> {
              if (inserted.size() == 1) {
                return Future.succeededFuture(enrollment(request, Rows.timestamp(inserted.iterator().next(), "enrolled_at"), true));
              }
              return conn.preparedQuery(EXISTING).execute(ids).compose(rows -> Rows.one(rows,
                  row -> enrollment(request, Rows.timestamp(row, "enrolled_at"), false), "student not found"));
            }))
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("course not found"))
            : Future.failedFuture(failure));
  }

  Future<EnrollmentStatus> check(CheckEnrollment request) {
    return pool.preparedQuery(EXISTING)
        .execute(Tuple.of(Rows.id(request.courseId(), "course"), Rows.id(request.studentId(), "student")))
        .map(rows -> new EnrollmentStatus(rows.size() > 0));
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
