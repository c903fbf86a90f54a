package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.courses.Course;
import io.learngrid.bus.courses.CourseAccessChanged;
import io.learngrid.bus.courses.DeleteCourse;
import io.learngrid.bus.courses.DeletedCourse;
import io.learngrid.bus.courses.ListMyCourses;
import io.learngrid.bus.courses.CourseList;
import io.learngrid.bus.courses.CreateCourse;
import io.learngrid.bus.courses.GetCourse;
import io.learngrid.bus.courses.ListCourses;
import io.learngrid.bus.courses.UpdateCourse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Courses: the courses table and the bus addresses that read and write it. */
final class CourseStore {

  private static final String COLUMNS =
      "id, title, subject, description, teacher_id, created_at, updated_at, status, enrollment_policy, join_code";
  private static final String INSERT = "INSERT INTO courses (id, teacher_id, title, subject, description) "
      + "VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS;
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM courses WHERE id = $1 AND deleted_at IS NULL";
  // Keyset pagination by (time-ordered) id: stable under concurrent inserts, one index range scan per page.
  private static final String PAGE = "SELECT " + COLUMNS + " FROM courses WHERE id > $1 AND deleted_at IS NULL ORDER BY id LIMIT $2";
  private static final String PAGE_OF_SUBJECT =
      "SELECT " + COLUMNS + " FROM courses WHERE subject = $1 AND id > $2 AND deleted_at IS NULL ORDER BY id LIMIT $3";
  // $8 is a fresh code, kept when rotation is asked for, or when the policy becomes code without one.
  private static final String UPDATE = """
      UPDATE courses SET title = coalesce($2, title), subject = coalesce($3, subject),
        description = coalesce($4, description), status = coalesce($5, status),
        enrollment_policy = coalesce($6, enrollment_policy),
        join_code = CASE WHEN $7 OR (coalesce($6, enrollment_policy) = 'code' AND join_code IS NULL) THEN $8
                         ELSE join_code END,
        updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL RETURNING\s""" + COLUMNS;
  private static final String DELETE = "UPDATE courses SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id";
  private static final String ASSIGNMENT_IDS = "SELECT id FROM assignments WHERE course_id = $1";
  private static final String TAUGHT = "SELECT " + COLUMNS
      + " FROM courses WHERE teacher_id = $1 AND id > $2 AND deleted_at IS NULL ORDER BY id LIMIT $3";
  // Walks enrollments_student_course, so a page costs one index range scan and a join per row.
  private static final String ENROLLED = "SELECT " + prefixed("c.") + """
       FROM enrollments e JOIN courses c ON c.id = e.course_id
      WHERE e.student_id = $1 AND e.course_id > $2 AND c.deleted_at IS NULL ORDER BY e.course_id LIMIT $3""";
  private static final UUID FIRST = new UUID(0, 0);

  private final Pool pool;
  private final Pool reads;
  private Vertx vertx;

  /** {@code reads} serves the lists (a replica when configured, else the primary). */
  CourseStore(Pool pool, Pool reads) {
    this.pool = pool;
    this.reads = reads;
  }

  Future<Void> serve(Vertx vertx) {
    this.vertx = vertx;
    return Future.all(
        Rows.serve(vertx, DeleteCourse.ENDPOINT, this::delete),
        Rows.serve(vertx, ListMyCourses.ENDPOINT, this::mine),
        Rows.serve(vertx, CreateCourse.ENDPOINT, this::create),
        Rows.serve(vertx, GetCourse.ENDPOINT, this::get),
        Rows.serve(vertx, ListCourses.ENDPOINT, this::list),
        Rows.serve(vertx, UpdateCourse.ENDPOINT, this::update)).mapEmpty();
  }

  Future<Course> create(CreateCourse course) {
    return Idempotent.create(pool, course.teacherId(), course.idempotency(), created -> 201, Course.class, conn -> conn
            .preparedQuery(INSERT)
            .execute(Tuple.of(TimeOrderedIds.next(), Rows.id(course.teacherId(), "teacher"), course.title(), course.subject(),
                course.description() == null ? "" : course.description()))
            .compose(rows -> Rows.one(rows, CourseStore::course, "course not stored")))
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("teacher not found"))
            : Future.failedFuture(failure));
  }

  Future<Course> get(GetCourse request) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(Rows.id(request.id(), "course")))
        .compose(rows -> Rows.one(rows, CourseStore::course, "course not found"));
  }

  Future<CourseList> list(ListCourses request) {
    UUID after = request.afterId() == null ? FIRST : Rows.id(request.afterId(), "cursor");
    var query = request.subject() == null
        ? reads.preparedQuery(PAGE).execute(Tuple.of(after, request.limit()))
        : reads.preparedQuery(PAGE_OF_SUBJECT).execute(Tuple.of(request.subject(), after, request.limit()));
    return query.map(CourseStore::page);
  }

  Future<CourseList> mine(ListMyCourses request) {
    UUID after = request.afterId() == null ? FIRST : Rows.id(request.afterId(), "cursor");
    return reads.preparedQuery(request.enrolled() ? ENROLLED : TAUGHT)
        .execute(Tuple.of(Rows.id(request.userId(), "user"), after, request.limit()))
        .map(CourseStore::page);
  }

  private static CourseList page(Iterable<Row> rows) {
    List<Course> items = new ArrayList<>();
    rows.forEach(row -> items.add(course(row)));
    return new CourseList(items);
  }

  Future<Course> update(UpdateCourse request) {
    UUID id = Rows.id(request.id(), "course");
    return pool.preparedQuery(UPDATE)
        .execute(Tuple.of(id, request.title(), request.subject(), request.description(), request.status(),
            request.enrollmentPolicy(), request.rotateJoinCode(), JoinCodes.next()))
        .compose(rows -> Rows.one(rows, CourseStore::course, "course not found"))
        .andThen(updated -> {
          if (updated.succeeded() && request.status() != null) {
            accessChanged(id, null);
          }
        });
  }

  /**
   * The assignment ids are read after the update, in its transaction, for the http role to drop
   * from the caches. Reads of an assignment check {@code deleted_at}, so only one created in the
   * same instant and cached before this commits could outlive it, until its cache TTL.
   */
  Future<DeletedCourse> delete(DeleteCourse request) {
    UUID id = Rows.id(request.id(), "course");
    return pool.withTransaction(conn -> conn.preparedQuery(DELETE).execute(Tuple.of(id)).compose(deleted -> {
          if (deleted.size() == 0) {
            return Future.failedFuture(BusError.NOT_FOUND.exception("course not found"));
          }
          return conn.preparedQuery(ASSIGNMENT_IDS).execute(Tuple.of(id));
        }))
        .map(rows -> {
          List<String> assignments = new ArrayList<>(rows.size());
          rows.forEach(row -> assignments.add(row.getUUID("id").toString()));
          return new DeletedCourse(id.toString(), assignments);
        })
        .andThen(deleted -> {
          if (deleted.succeeded()) {
            accessChanged(id, null);
          }
        });
  }

  /** Tells every answer path (every persistence node) to forget what it cached of the course's enrollments. */
  private void accessChanged(UUID courseId, UUID studentId) {
    vertx.eventBus().publish(CourseAccessChanged.ADDRESS,
        new CourseAccessChanged(courseId.toString(), studentId == null ? null : studentId.toString()).toJson());
  }

  private static String prefixed(String alias) {
    return alias + COLUMNS.replace(", ", ", " + alias);
  }

  static Course course(Row row) {
    return new Course(row.getUUID("id").toString(), row.getString("title"), row.getString("subject"),
        row.getString("description"), row.getUUID("teacher_id").toString(), Rows.timestamp(row, "created_at"),
        Rows.timestamp(row, "updated_at"), row.getString("status"), row.getString("enrollment_policy"),
        joinCode(row));
  }

  /** A code kept from an earlier spell of policy {@code code} is not shown: it enrolls no one now. */
  private static String joinCode(Row row) {
    return "code".equals(row.getString("enrollment_policy")) ? row.getString("join_code") : null;
  }
}
