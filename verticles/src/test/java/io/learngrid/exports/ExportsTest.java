package io.learngrid.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.persistence.RetentionPasses;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Download;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.LearningFixture.Account;
import io.learngrid.support.LearningFixture.Assignment;
import io.learngrid.support.LearningFixture.QuestionSpec;
import io.learngrid.support.NodeProcess;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Course exports end to end: a POST queues an export job, a runner writes the CSV into PostgreSQL in
 * chunks, and the job's owner downloads it from the result's downloadUrl. The last test runs an
 * export of 100,000 answers (about 36 MB of CSV) on a second JVM with a 64 MB heap.
 */
@DisplayName("Course exports: a gradebook or the answers as a CSV file, queued as a job and downloaded by its owner")
@LearngridNode
class ExportsTest {

  @CloseAfterAll
  private static final LearningFixture fixture = LearningFixture.open();
  private final Api api;

  ExportsTest(Api api) {
    this.api = api;
  }

  private static Account student(String course, String displayName) {
    Account student = fixture.student();
    fixture.execute("UPDATE users SET display_name = $2 WHERE id = $1", UUID.fromString(student.id()), displayName);
    fixture.enroll(course, student.id());
    return student;
  }

  private static String course(Account teacher, String title) {
    String course = fixture.course(teacher.id());
    fixture.execute("UPDATE courses SET title = $2 WHERE id = $1", UUID.fromString(course), title);
    return course;
  }

  /** An assignment titled {@code title}, created {@code minutesAgo} ago (the gradebook's column order). */
  private static Assignment assignment(String course, String title, int minutesAgo, QuestionSpec... questions) {
    Assignment assignment = fixture.assignment(course, List.of(questions));
    fixture.execute("UPDATE assignments SET title = $2, created_at = now() - make_interval(mins => $3) WHERE id = $1",
        UUID.fromString(assignment.id()), title, minutesAgo);
    return assignment;
  }

  private void answer(Account student, Assignment assignment, int question, Object answer) {
    Reply reply = api.post("/api/v1/assignments/" + assignment.id() + "/answers",
        new JsonObject().put("questionId", assignment.questionIds().get(question)).put("answer", answer), student.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
  }

  private Reply queue(String course, String kind, String token) {
    return api.post("/api/v1/courses/" + course + "/exports", new JsonObject().put("kind", kind).put("format", "csv"), token);
  }

  /** Queues an export and waits for its job to succeed; the job as GET /jobs/{id} shows it. */
  private JsonObject exported(String course, String kind, String token) throws InterruptedException {
    Reply accepted = queue(course, kind, token);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonObject job = api.finishedJob(accepted.json().getString("jobId"), token);
    assertThat(job.getString("kind")).isEqualTo("export");
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("succeeded");
    return job;
  }

  private static String path(JsonObject job) {
    return URI.create(job.getJsonObject("result").getString("downloadUrl")).getPath();
  }

  private static List<String> lines(Download download) {
    String text = download.text();
    assertThat(text).endsWith("\r\n");
    return Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1));
  }

  @Test
  @DisplayName("gradebook: a header with one column per assignment, one line per enrolled student with points and total")
  void gradebookCsv() throws Exception {
    Account teacher = fixture.teacher();
    String course = course(teacher, "Algebra, Period 1");
    Assignment fractions = assignment(course, "Fractions", 60, new QuestionSpec("number", 7, 2),
        new QuestionSpec("choice", "A", 1));
    Assignment sneaky = assignment(course, "=cmd|' /C calc'!A0", 30, new QuestionSpec("text", "cell", 5));
    Account formula = student(course, "=HYPERLINK(\"http://evil.example\",\"x\")");
    Account quoted = student(course, "Zoë, \"Z\"");
    Account idle = student(course, "Plain Name");
    answer(formula, fractions, 0, 7);
    answer(formula, sneaky, 0, " CELL ");
    answer(quoted, fractions, 1, "A");
    answer(quoted, sneaky, 0, "wrong");
    Eventually.within(10, () -> fixture.number("SELECT coalesce(sum(attempts), 0) FROM question_scores WHERE course_id = $1",
        UUID.fromString(course)) == 4);

    JsonObject job = exported(course, "gradebook", teacher.token());
    String jobId = job.getString("id");
    JsonObject result = job.getJsonObject("result");
    assertThat(result.getString("downloadUrl")).endsWith("/api/v1/exports/" + jobId);
    assertThat(result.getLong("rows")).isEqualTo(3);

    Download file = api.download(path(job), teacher.token(), 30);
    assertThat(file.status()).as(file.text()).isEqualTo(200);
    assertThat(file.header("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"algebra-period-1-gradebook-"
        + LocalDate.now(ZoneOffset.UTC) + ".csv\"");
    assertThat(file.body().length).isEqualTo(result.getLong("bytes").intValue());
    assertThat(file.header("Content-Length")).isEqualTo(result.getLong("bytes").toString());

    List<String> students = new ArrayList<>(List.of(
        formula.id() + ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2,5,7",
        quoted.id() + ",\"Zoë, \"\"Z\"\"\",1,0,1",
        idle.id() + ",Plain Name,0,0,0"));
    students.sort(null); // the file lists students in id order
    List<String> expected = new ArrayList<>();
    expected.add("studentId,displayName,Fractions (3),'=cmd|' /C calc'!A0 (5),total");
    expected.addAll(students);
    assertThat(lines(file)).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("answers: one line per answer event in submission order, text answers guarded, numbers as they are")
  void answersCsv() throws Exception {
    Account teacher = fixture.teacher();
    String course = course(teacher, "Biology");
    Assignment cells = assignment(course, "Cells", 10, new QuestionSpec("text", "cell", 5), new QuestionSpec("number", 3, 1));
    Account at = student(course, "@evil");
    Account plain = student(course, "Plain");
    answer(at, cells, 0, "=SUM(A1:A9)");
    answer(at, cells, 0, "cell");
    answer(plain, cells, 1, -3);
    Eventually.within(10, () -> fixture.number("SELECT count(*) FROM answer_events WHERE course_id = $1",
        UUID.fromString(course)) == 3);

    JsonObject job = exported(course, "answers", teacher.token());
    assertThat(job.getJsonObject("result").getLong("rows")).isEqualTo(3);
    Download file = api.download(path(job), teacher.token(), 30);
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"biology-answers-"
        + LocalDate.now(ZoneOffset.UTC) + ".csv\"");
    assertThat(file.body().length).isEqualTo(job.getJsonObject("result").getLong("bytes").intValue());

    List<String> lines = lines(file);
    assertThat(lines).hasSize(4);
    assertThat(lines.getFirst())
        .isEqualTo("eventId,studentId,displayName,assignmentId,questionId,answer,correct,pointsAwarded,submittedAt,late");
    String q0 = cells.questionIds().get(0);
    String q1 = cells.questionIds().get(1);
    List<String[]> rows = lines.subList(1, 4).stream().map(line -> line.split(",", -1)).toList();
    assertThat(rows).allSatisfy(row -> {
      assertThat(row).hasSize(10);
      assertThat(UUID.fromString(row[0])).isNotNull();
      assertThat(row[3]).isEqualTo(cells.id());
      assertThat(Instant.parse(row[8])).isBefore(Instant.now());
      assertThat(row[9]).isEqualTo("false");
    });
    assertThat(rows.get(0)).containsSubsequence(at.id(), "'@evil", cells.id(), q0, "'=SUM(A1:A9)", "false", "0");
    assertThat(rows.get(1)).containsSubsequence(at.id(), "'@evil", cells.id(), q0, "cell", "true", "5");
    assertThat(rows.get(2)).containsSubsequence(plain.id(), "Plain", cells.id(), q1, "-3", "false", "0");
    assertThat(Instant.parse(rows.get(0)[8])).isBeforeOrEqualTo(Instant.parse(rows.get(1)[8]));
    assertThat(Instant.parse(rows.get(1)[8])).isBeforeOrEqualTo(Instant.parse(rows.get(2)[8]));
  }

  @Test
  @DisplayName("only the owning teacher or an admin may export (403), and only the job's owner may download (404)")
  void whoMayExportAndDownload() throws Exception {
    Account teacher = fixture.teacher();
    Account other = fixture.teacher();
    Account admin = fixture.admin();
    String course = course(teacher, "Chemistry");
    Account student = student(course, "Enrolled");

    assertThat(queue(course, "gradebook", other.token()).status()).isEqualTo(403);
    assertThat(queue(course, "gradebook", student.token()).status()).isEqualTo(403);
    assertThat(queue(UUID.randomUUID().toString(), "gradebook", teacher.token()).status()).isEqualTo(404);
    assertThat(queue(course, "gradebook", null).status()).isEqualTo(401);

    JsonObject mine = exported(course, "gradebook", teacher.token());
    JsonObject admins = exported(course, "answers", admin.token());
    assertThat(api.download(path(mine), teacher.token(), 30).status()).isEqualTo(200);
    assertThat(api.download(path(admins), admin.token(), 30).status()).isEqualTo(200);

    Download foreign = api.download(path(mine), other.token(), 30);
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(foreign.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.download(path(mine), student.token(), 30).status()).isEqualTo(404);
    assertThat(api.download(path(mine), admin.token(), 30).status()).as("an admin's is not the owner's").isEqualTo(404);
    assertThat(api.download(path(admins), teacher.token(), 30).status()).isEqualTo(404);
    assertThat(api.download("/api/v1/exports/" + UUID.randomUUID(), teacher.token(), 30).status()).isEqualTo(404);
    assertThat(api.download("/api/v1/exports/not-an-id", teacher.token(), 30).status()).isEqualTo(404);
    assertThat(api.download(path(mine), null, 30).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("refuses a kind or format there is not, a missing field and an unknown one (400), queueing nothing")
  void refusesBadRequests() {
    Account teacher = fixture.teacher();
    String course = course(teacher, "Physics");
    String path = "/api/v1/courses/" + course + "/exports";
    List<JsonObject> bodies = List.of(
        new JsonObject().put("kind", "pdf").put("format", "csv"),
        new JsonObject().put("kind", "gradebook").put("format", "xlsx"),
        new JsonObject().put("kind", "gradebook"),
        new JsonObject().put("kind", "gradebook").put("format", "csv").put("studentId", UUID.randomUUID().toString()));
    for (JsonObject body : bodies) {
      Reply reply = api.post(path, body, teacher.token());
      assertThat(reply.status()).as(body.encode() + " → " + reply.body()).isEqualTo(400);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    }
    assertThat(fixture.number("SELECT count(*) FROM jobs WHERE kind = 'export' AND owner_id = $1",
        UUID.fromString(teacher.id()))).isZero();
  }

  @Test
  @DisplayName("an expired file is gone at once (404), and retention then deletes it with its chunks")
  void expiredFilesAreGone() throws Exception {
    Account teacher = fixture.teacher();
    String course = course(teacher, "History");
    student(course, "Someone");
    JsonObject job = exported(course, "gradebook", teacher.token());
    UUID jobId = UUID.fromString(job.getString("id"));
    assertThat(api.download(path(job), teacher.token(), 30).status()).isEqualTo(200);
    assertThat(fixture.number("SELECT count(*) FROM export_chunks WHERE job_id = $1", jobId)).isOne();
    assertThat(fixture.number("SELECT count(*) FROM export_files WHERE job_id = $1 AND expires_at > now() + interval '6 days 23 hours'",
        jobId)).as("kept 7 days").isOne();

    fixture.execute("UPDATE export_files SET expires_at = now() - interval '1 second' WHERE job_id = $1", jobId);
    Download expired = api.download(path(job), teacher.token(), 30);
    assertThat(expired.status()).isEqualTo(404);
    assertThat(expired.header("Content-Type")).isEqualTo("application/problem+json");

    RetentionPasses.run(fixture.pool());
    assertThat(fixture.number("SELECT count(*) FROM export_files WHERE job_id = $1", jobId)).isZero();
    assertThat(fixture.number("SELECT count(*) FROM export_chunks WHERE job_id = $1", jobId)).isZero();
  }

  @Test
  @DisplayName("fails for good, writing no file, when the course was deleted after the request")
  void courseDeletedMeanwhile() throws Exception {
    Account teacher = fixture.teacher();
    String course = course(teacher, "Gone");
    fixture.execute("UPDATE courses SET deleted_at = now() WHERE id = $1", UUID.fromString(course));
    // As if the course was deleted between the request and the job's run: the job, inserted by hand.
    UUID jobId = UUID.randomUUID();
    fixture.execute("INSERT INTO jobs (id, owner_id, kind, status, input, max_attempts) VALUES ($1, $2, 'export', 'queued', $3, 3)",
        jobId, UUID.fromString(teacher.id()), new JsonObject().put("courseId", course).put("kind", "answers").put("format", "csv"));
    JsonObject job = api.finishedJob(jobId.toString(), teacher.token());
    assertThat(job.getString("status")).isEqualTo("failed");
    assertThat(job.getInteger("attempts")).as("not retried").isEqualTo(1);
    assertThat(job.getString("error")).contains("the course is gone or no longer yours");
    assertThat(fixture.number("SELECT count(*) FROM export_files WHERE job_id = $1", jobId)).isZero();
  }

  @Test
  @DisplayName("exports 100,000 answers (36 MB of CSV) on a persistence node with a 64 MB heap, and the download has them all")
  void bigExportOnASmallHeap() throws Exception {
    String cluster = TestNode.newClusterName();
    // This node serves the API and the download but runs no export job: the small node must.
    try (TestNode core = NodeSettings.defaults().cluster(cluster).roles("http,persistence,cache")
        .with("JOBS_EXPORT_CONCURRENCY", 0).start()) {
      Api client = core.api();
      Account teacher = fixture.teacher();
      String course = course(teacher, "Big");
      Assignment essay = assignment(course, "Essay", 5, new QuestionSpec("text", "cell", 1));
      List<String> students = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        students.add(student(course, "Student " + i).id());
      }
      int answers = 100_000;
      // ~156 characters of answer each, a second apart in submission order.
      Database.update("""
          INSERT INTO answer_events (event_id, submitted_at, student_id, course_id, assignment_id, question_id, answer,
                                     correct, points_awarded)
          SELECT gen_random_uuid(), now() - make_interval(secs => ? - i), (?::uuid[])[1 + i % 4], ?, ?, ?,
                 to_jsonb(repeat('answer ' || i || ' ', 12)), i % 3 = 0, (i % 3 = 0)::int
          FROM generate_series(1, ?) i""", answers, students.toArray(new String[0]), UUID.fromString(course),
          UUID.fromString(essay.id()), UUID.fromString(essay.questionIds().getFirst()), answers);

      Path log = Files.createTempFile(TestServices.scratch("export-heap"), "small-node", ".log");
      Process small = NodeProcess.start(log, "persistence", "64m", Map.of(
          "CLUSTER_NAME", cluster,
          "PG_URL", TestServices.postgresUrl(),
          "PG_POOL_SIZE", "4",
          "JOBS_EXPORT_POLL_MS", "100"));
      try {
        Reply accepted = client.post("/api/v1/courses/" + course + "/exports",
            new JsonObject().put("kind", "answers").put("format", "csv"), teacher.token());
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String jobId = accepted.json().getString("jobId");
        AtomicReference<JsonObject> job = new AtomicReference<>();
        Eventually.within(240, () -> {
          job.set(client.get("/api/v1/jobs/" + jobId, teacher.token()).json());
          return !small.isAlive() || List.of("succeeded", "failed").contains(job.get().getString("status"));
        });
        assertThat(small.isAlive()).as("the 64 MB node is alive (its log: %s)", log).isTrue();
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
        assertThat(job.get().getString("status")).as(job.get().encode()).isEqualTo("succeeded");
        JsonObject result = job.get().getJsonObject("result");
        assertThat(result.getLong("rows")).isEqualTo(answers);
        assertThat(core.node().registry().scrape()).as("the core node ran no export")
            .doesNotContain("learngrid_jobs_total{kind=\"export\"");
        assertThat(fixture.number("SELECT count(*) FROM export_chunks WHERE job_id = $1", UUID.fromString(jobId)))
            .as("chunks of about 256 KiB").isGreaterThan(result.getLong("bytes") / (300 * 1024));

        Download file = client.download(URI.create(result.getString("downloadUrl")).getPath(), teacher.token(), 120);
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.header("Content-Length")).isEqualTo(result.getLong("bytes").toString());
        assertThat((long) file.body().length).isEqualTo(result.getLong("bytes"));
        int lines = 0;
        byte[] body = file.body();
        for (int i = 1; i < body.length; i++) {
          if (body[i] == '\n' && body[i - 1] == '\r') {
            lines++;
          }
        }
        assertThat(lines).isEqualTo(answers + 1);
      } finally {
        small.destroy();
        if (!small.waitFor(30, TimeUnit.SECONDS)) {
          small.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
