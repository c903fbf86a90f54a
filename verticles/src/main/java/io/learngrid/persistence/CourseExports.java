package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.exports.ExportCourse;
import io.learngrid.jobs.JobFailure;
import io.learngrid.jobs.JobHandler;
import io.learngrid.jobs.RunningJob;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The {@code export} job: a course's gradebook or answers as a CSV file in export_files and
 * export_chunks, in one transaction fenced by the job's lease. Rows come from a cursor
 * {@value #FETCH_ROWS} at a time and the CSV goes to PostgreSQL in chunks of about
 * {@value #CHUNK_BYTES} bytes, so an attempt holds one batch of rows and one chunk whatever the
 * size of the course: a node with a small heap exports a course of any size.
 *
 * <p>The transaction is as long as the export (seconds for 100,000 answers). An attempt that dies
 * midway leaves nothing; one whose outcome was not recorded after its commit leaves the finished
 * file, which the next attempt finds (its insert conflicts on the job id) and reports again.
 */
public final class CourseExports implements JobHandler {

  static final int CHUNK_BYTES = 256 * 1024;
  static final int FETCH_ROWS = 500;
  static final int KEEP_DAYS = 7;
  // Progress is a bus request and an UPDATE of the job: at most this often, not per batch.
  private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

  // Re-checked here, not only when the job was queued: the course may have been deleted or handed
  // to another teacher since. FOR KEY SHARE holds off a concurrent hard delete.
  private static final String COURSE = """
      SELECT c.title FROM courses c
      WHERE c.id = $1 AND c.deleted_at IS NULL
        AND (c.teacher_id = $2
             OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.role = 'admin' AND u.status = 'active'))
      FOR KEY SHARE OF c""";
  // DO NOTHING: a row already there was committed by an earlier attempt of this job (its outcome
  // was lost); a concurrent attempt's insert waits here for the other transaction to end.
  private static final String INSERT_FILE = """
      INSERT INTO export_files (job_id, owner_id, course_id, kind, filename, expires_at)
      VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6))
      ON CONFLICT (job_id) DO NOTHING RETURNING job_id""";
  private static final String EXISTING = "SELECT rows, bytes FROM export_files WHERE job_id = $1";
  // Bounded per course, so read whole; gradebook columns and the answers' filter.
  private static final String ASSIGNMENTS = """
      SELECT id, title, max_points FROM assignments
      WHERE course_id = $1 AND deleted_at IS NULL ORDER BY created_at, id""";
  private static final String COUNT_STUDENTS = "SELECT count(*) FROM enrollments WHERE course_id = $1";
  // One row per student, with the points of every assignment in the order of $2: each student's
  // scores are looked up by the (student_id, course_id) index, so every row costs the same
  // however many students the course has.
  private static final String STUDENTS = """
      SELECT e.student_id, u.display_name,
             ARRAY(SELECT coalesce(s.points, 0)
                   FROM unnest($2::uuid[]) WITH ORDINALITY AS a(id, n)
                   LEFT JOIN (SELECT assignment_id, sum(best_points)::int AS points FROM question_scores
                              WHERE student_id = e.student_id AND course_id = $1
                              GROUP BY assignment_id) s ON s.assignment_id = a.id
                   ORDER BY a.n) AS points
      FROM enrollments e JOIN users u ON u.id = e.student_id
      WHERE e.course_id = $1
      ORDER BY e.student_id""";
  // answer_events has no index on course_id (the answer path is the hottest writer; an export is
  // rare): the course's live assignments select its events through answer_events_assignment, and
  // PostgreSQL sorts them on its side.
  private static final String COUNT_ANSWERS = """
      SELECT count(*) FROM answer_events WHERE assignment_id = ANY ($2) AND course_id = $1""";
  private static final String ANSWERS = """
      SELECT ae.event_id, ae.student_id, u.display_name, ae.assignment_id, ae.question_id, ae.answer,
             ae.correct, ae.points_awarded, ae.submitted_at, ae.late
      FROM answer_events ae LEFT JOIN users u ON u.id = ae.student_id
      WHERE ae.assignment_id = ANY ($2) AND ae.course_id = $1
      ORDER BY ae.submitted_at, ae.event_id""";
  private static final String INSERT_CHUNK = "INSERT INTO export_chunks (job_id, seq, data) VALUES ($1, $2, $3)";
  private static final String FINISH_FILE = "UPDATE export_files SET rows = $2, bytes = $3 WHERE job_id = $1";
  private static final String FENCE = """
      UPDATE jobs SET progress_done = $3, progress_total = $3
      WHERE id = $1 AND lease_token = $2 AND status = 'running'""";

  private final Pool pool;
  private final String publicUrl;

  /** {@code publicUrl}: LEARNGRID_PUBLIC_URL, where the result's downloadUrl points. */
  public CourseExports(Pool pool, String publicUrl) {
    this.pool = pool;
    this.publicUrl = publicUrl;
  }

  @Override
  public Future<JsonObject> run(RunningJob job) {
    ExportCourse export = BusJson.fromJson(job.input(), ExportCourse.class);
    if (!ExportCourse.KINDS.contains(export.kind()) || !ExportCourse.CSV.equals(export.format())) {
      return Future.failedFuture(new JobFailure("the export's kind or format is not one there is", false));
    }
    UUID jobId = Rows.id(job.id(), "job");
    UUID owner = Rows.id(job.ownerId(), "user");
    UUID course = Rows.id(export.courseId(), "course");
    return pool.withTransaction(conn -> conn.preparedQuery(COURSE).execute(Tuple.of(course, owner))
            .compose(rows -> Rows.one(rows, row -> row.getString("title"), "course not found"))
            .recover(CourseExports::notYours)
            .compose(title -> conn.preparedQuery(INSERT_FILE).execute(Tuple.of(jobId, owner, course, export.kind(),
                filename(title, export.kind(), LocalDate.now(ZoneOffset.UTC)), KEEP_DAYS)))
            .compose(inserted -> inserted.size() == 0
                ? conn.preparedQuery(EXISTING).execute(Tuple.of(jobId))
                    .map(rows -> rows.iterator().next())
                    .map(row -> new Written(row.getLong("rows"), row.getLong("bytes")))
                : write(conn, job, jobId, course, export.kind()))
            .compose(written -> fence(conn, job, written.rows()).map(written)))
        .map(written -> new JsonObject()
            .put("downloadUrl", publicUrl + "/api/v1/exports/" + jobId)
            .put("rows", written.rows())
            .put("bytes", written.bytes()));
  }

  private record Written(long rows, long bytes) {}

  private static <T> Future<T> notYours(Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureCode() == BusError.NOT_FOUND.code()) {
      return Future.failedFuture(new JobFailure("the course is gone or no longer yours", false));
    }
    return Future.failedFuture(failure);
  }

  private Future<Written> write(SqlConnection conn, RunningJob job, UUID jobId, UUID course, String kind) {
    return conn.preparedQuery(ASSIGNMENTS).execute(Tuple.of(course)).compose(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      CsvRows header = new CsvRows();
      if (ExportCourse.GRADEBOOK.equals(kind)) {
        header.text("studentId").text("displayName");
      } else {
        header.text("eventId").text("studentId").text("displayName").text("assignmentId").text("questionId")
            .text("answer").text("correct").text("pointsAwarded").text("submittedAt").text("late");
      }
      for (Row row : rows) {
        ids.add(row.getUUID("id"));
        if (ExportCourse.GRADEBOOK.equals(kind)) {
          header.text(row.getString("title") + " (" + row.getInteger("max_points") + ")");
        }
      }
      if (ExportCourse.GRADEBOOK.equals(kind)) {
        header.text("total");
      }
      UUID[] assignments = ids.toArray(UUID[]::new);
      Chunks out = new Chunks(conn, jobId, job);
      out.header(header);
      boolean gradebook = ExportCourse.GRADEBOOK.equals(kind);
      Tuple counted = gradebook ? Tuple.of(course) : Tuple.of(course, (Object) assignments);
      return conn.preparedQuery(gradebook ? COUNT_STUDENTS : COUNT_ANSWERS).execute(counted)
          .compose(count -> {
            out.total = count.iterator().next().getLong(0);
            return conn.prepare(gradebook ? STUDENTS : ANSWERS);
          })
          .compose(statement -> {
            Cursor cursor = statement.cursor(Tuple.of(course, (Object) assignments));
            return drain(cursor, out, gradebook ? CourseExports::studentLine : CourseExports::answerLine)
                .eventually(() -> cursor.close().eventually(statement::close));
          })
          .compose(done -> out.finish());
    });
  }

  private interface LineWriter {
    void write(Row row, CsvRows line);
  }

  private static void studentLine(Row row, CsvRows line) {
    line.text(row.getUUID("student_id").toString()).text(row.getString("display_name"));
    long total = 0;
    for (Integer points : row.getArrayOfIntegers("points")) {
      line.number(points);
      total += points;
    }
    line.number(total);
  }

  private static void answerLine(Row row, CsvRows line) {
    line.text(row.getUUID("event_id").toString()).text(row.getUUID("student_id").toString())
        .text(row.getString("display_name")).text(row.getUUID("assignment_id").toString())
        .text(row.getUUID("question_id").toString());
    Object answer = row.getValue("answer");
    if (answer instanceof Number number) {
      line.number(number);
    } else if (answer instanceof String text) {
      line.text(text);
    } else {
      line.text(answer == null ? null : String.valueOf(answer));
    }
    line.bool(row.getBoolean("correct")).number(row.getInteger("points_awarded"))
        .text(Rows.timestamp(row, "submitted_at")).bool(row.getBoolean("late"));
  }

  /** Reads the cursor to its end, a batch at a time, each batch written out before the next is read. */
  private static Future<Void> drain(Cursor cursor, Chunks out, LineWriter lines) {
    return cursor.read(FETCH_ROWS).compose(rows -> {
      for (Row row : rows) {
        lines.write(row, out.line);
        out.endLine();
      }
      return out.flushFull().compose(v -> cursor.hasMore() ? drain(cursor, out, lines) : Future.succeededFuture());
    });
  }

  /**
   * The file being written: the current chunk, the chunks that filled up during the last batch
   * (written before the next batch is read), and the counts.
   */
  private static final class Chunks {
    final CsvRows line = new CsvRows();
    private final SqlConnection conn;
    private final UUID jobId;
    private final RunningJob job;
    private final List<Buffer> full = new ArrayList<>(2);
    private Buffer current = Buffer.buffer(CHUNK_BYTES + 4096);
    private int seq;
    private long rows;
    private long bytes;
    long total;
    private long reportedAt = System.nanoTime();
    private boolean leaseLost;

    Chunks(SqlConnection conn, UUID jobId, RunningJob job) {
      this.conn = conn;
      this.jobId = jobId;
      this.job = job;
    }

    void header(CsvRows header) {
      bytes += header.end(current);
    }

    void endLine() {
      bytes += line.end(current);
      rows++;
      if (current.length() >= CHUNK_BYTES) {
        full.add(current);
        current = Buffer.buffer(CHUNK_BYTES + 4096);
      }
    }

    /** Writes the chunks that filled up, one insert at a time, and now and then reports progress. */
    Future<Void> flushFull() {
      if (leaseLost) {
        return Future.failedFuture(new JobFailure("the job's lease passed to another attempt", true));
      }
      Future<Void> written = Future.succeededFuture();
      for (Buffer chunk : full) {
        written = written.compose(v -> insert(chunk));
      }
      full.clear();
      long now = System.nanoTime();
      if (now - reportedAt >= PROGRESS_EVERY_NANOS) {
        reportedAt = now;
        // Not waited for: progress is for the owner's eyes. A lost lease stops the attempt at the
        // next batch (the fence at the end would refuse its outcome anyway).
        job.progress(rows, Math.max(rows, total)).onFailure(failure -> leaseLost = failure instanceof ReplyException reply
            && reply.failureCode() == BusError.CONFLICT.code());
      }
      return written;
    }

    Future<Written> finish() {
      return flushFull()
          .compose(v -> current.length() > 0 ? insert(current) : Future.succeededFuture())
          .compose(v -> conn.preparedQuery(FINISH_FILE).execute(Tuple.of(jobId, rows, bytes)))
          .map(v -> new Written(rows, bytes));
    }

    private Future<Void> insert(Buffer chunk) {
      return conn.preparedQuery(INSERT_CHUNK).execute(Tuple.of(jobId, seq++, chunk)).mapEmpty();
    }
  }

  private static Future<Void> fence(SqlConnection conn, RunningJob job, long rows) {
    return conn.preparedQuery(FENCE)
        .execute(Tuple.of(Rows.id(job.id(), "job"), Rows.id(job.leaseToken(), "lease"), rows))
        .compose(updated -> updated.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.failedFuture(new JobFailure("the job's lease passed to another attempt", true)));
  }

  /**
   * {@code <course-title>-<kind>-<date>.csv} in lower-case ASCII letters, digits and hyphens (a
   * name every browser and shell takes as is), or {@code <kind>-<date>.csv} when the title has no
   * such character.
   */
  static String filename(String title, String kind, LocalDate date) {
    String ascii = Normalizer.normalize(title == null ? "" : title, Normalizer.Form.NFKD)
        .replaceAll("\\p{M}", "")
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-")
        .replaceAll("^-+|-+$", "");
    if (ascii.length() > 60) {
      ascii = ascii.substring(0, 60).replaceAll("-+$", "");
    }
    return (ascii.isEmpty() ? "" : ascii + "-") + kind + "-" + date + ".csv";
  }
}
