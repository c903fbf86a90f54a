package io.learngrid.persistence;

import io.learngrid.bus.BusJson;
import io.learngrid.bus.assignments.CopyAssignment;
import io.learngrid.jobs.JobFailure;
import io.learngrid.jobs.JobHandler;
import io.learngrid.jobs.RunningJob;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code assignments} job: one assignment created in several of a teacher's courses. Every copy
 * and the job's outcome are one transaction, fenced by the job's lease, so an attempt that dies
 * midway leaves nothing and the next one creates each copy exactly once.
 */
public final class AssignmentCopies implements JobHandler {

  // Re-checked here, not only when the job was queued: a course may have been deleted, archived or
  // handed to another teacher meanwhile. FOR KEY SHARE holds off a concurrent hard delete.
  private static final String OWNED = """
      SELECT id FROM courses
      WHERE id = ANY($1) AND teacher_id = $2 AND deleted_at IS NULL AND status = 'active'
      FOR KEY SHARE""";
  private static final String FENCE = """
      UPDATE jobs SET progress_done = $3, progress_total = $3
      WHERE id = $1 AND lease_token = $2 AND status = 'running'""";

  private final Pool pool;

  public AssignmentCopies(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<JsonObject> run(RunningJob job) {
    CopyAssignment copy = BusJson.fromJson(job.input(), CopyAssignment.class);
    UUID teacher = Rows.id(copy.teacherId(), "user");
    UUID[] courses = copy.courseIds().stream().map(id -> Rows.id(id, "course")).toArray(UUID[]::new);
    OffsetDateTime dueAt = copy.dueAt() == null ? null : OffsetDateTime.parse(copy.dueAt());
    return pool.withTransaction(conn -> conn.preparedQuery(OWNED).execute(Tuple.of(courses, teacher))
        .compose(owned -> {
          Set<UUID> ownedIds = new HashSet<>();
          for (Row row : owned) {
            ownedIds.add(row.getUUID("id"));
          }
          JsonArray created = new JsonArray();
          JsonArray errors = new JsonArray();
          Future<Void> chain = Future.succeededFuture();
          for (UUID course : courses) {
            if (!ownedIds.contains(course)) {
              errors.add(new JsonObject().put("courseId", course.toString())
                  .put("message", "the course is gone, archived or no longer yours"));
              continue;
            }
            chain = chain.compose(v -> AssignmentStore.insert(conn, course, copy.title(), dueAt, copy.questions(), teacher)
                .map(id -> {
                  created.add(new JsonObject().put("courseId", course.toString()).put("assignmentId", id.toString()));
                  return null;
                }));
          }
          return chain.compose(v -> fence(conn, job, courses.length))
              .map(v -> new JsonObject().put("assignments", created).put("errors", errors));
        }));
  }

  private static Future<Void> fence(SqlConnection conn, RunningJob job, int courses) {
    return conn.preparedQuery(FENCE)
        .execute(Tuple.of(Rows.id(job.id(), "job"), Rows.id(job.leaseToken(), "lease"), courses))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new JobFailure("the job's lease passed to another attempt", true)));
  }
}
