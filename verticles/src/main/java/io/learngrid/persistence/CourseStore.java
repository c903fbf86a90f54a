package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.courses.Course;
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

  private static final String COLUMNS = "id, title, subject, description, teacher_id, created_at, updated_at";
  private static final String INSERT = "INSERT INTO courses (id, teacher_id, title, subject, description) "
      + "VALUES ($1, $2, $3, $4, $5) RETURNING " + COLUMNS;
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM courses WHERE id = $1";
  // Keyset pagination by (time-ordered) id: stable under concurrent inserts, one index range scan per page.
  private static final String PAGE = "SELECT " + COLUMNS + " FROM courses WHERE id > $1 ORDER BY id LIMIT $2";
  private static final String PAGE_OF_SUBJECT =
      "SELECT " + COLUMNS + " FROM courses WHERE subject = $1 AND id > $2 ORDER BY id LIMIT $3";
  private static final String UPDATE = "UPDATE courses SET title = coalesce($2, title), subject = coalesce($3, subject), "
      + "description = coalesce($4, description), updated_at = now() WHERE id = $1 RETURNING " + COLUMNS;
  private static final UUID FIRST = new UUID(0, 0);

  private final Pool pool;
  private final Pool reads;

  /** {@code reads} serves the lists (a replica when configured, else the primary). */
  CourseStore(Pool pool, Pool reads) {
    this.pool = pool;
    this.reads = reads;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
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
    return query.map(rows -> {
      List<Course> items = new ArrayList<>(rows.size());
      rows.forEach(row -> items.add(course(row)));
      return new CourseList(items);
    });
  }

  Future<Course> update(UpdateCourse request) {
    return pool.preparedQuery(UPDATE)
        .execute(Tuple.of(Rows.id(request.id(), "course"), request.title(), request.subject(), request.description()))
        .compose(rows -> Rows.one(rows, CourseStore::course, "course not found"));
  }

  static Course course(Row row) {
    return new Course(row.getUUID("id").toString(), row.getString("title"), row.getString("subject"),
        row.getString("description"), row.getUUID("teacher_id").toString(), Rows.timestamp(row, "created_at"),
        Rows.timestamp(row, "updated_at"));
  }
}
