package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Course;
import io.learngrid.bus.CreateCourse;
import io.learngrid.bus.GetCourse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** Courses: the courses table and the bus addresses that read and write it. */
final class CourseStore {

  private static final String COLUMNS = "id, title, subject, description, teacher_id, created_at, updated_at";
  private static final String INSERT = "INSERT INTO courses (teacher_id, title, subject, description) "
      + "VALUES ($1, $2, $3, $4) RETURNING " + COLUMNS;
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM courses WHERE id = $1";

  private final Pool pool;

  CourseStore(Pool pool) {
    this.pool = pool;
  }

  void serve(Vertx vertx) {
    Rows.serve(vertx, CreateCourse.ADDRESS, CreateCourse.class, this::create);
    Rows.serve(vertx, GetCourse.ADDRESS, GetCourse.class, this::get);
  }

  Future<Course> create(CreateCourse course) {
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(Rows.id(course.teacherId(), "teacher"), course.title(), course.subject(),
            course.description() == null ? "" : course.description()))
        .compose(rows -> Rows.one(rows, CourseStore::course, "course not stored"))
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("teacher not found"))
            : Future.failedFuture(failure));
  }

  Future<Course> get(GetCourse request) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(Rows.id(request.id(), "course")))
        .compose(rows -> Rows.one(rows, CourseStore::course, "course not found"));
  }

  private static Course course(Row row) {
    return new Course(row.getUUID("id").toString(), row.getString("title"), row.getString("subject"),
        row.getString("description"), row.getUUID("teacher_id").toString(), Rows.timestamp(row, "created_at"),
        Rows.timestamp(row, "updated_at"));
  }
}
