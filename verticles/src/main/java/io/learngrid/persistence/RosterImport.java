package io.learngrid.persistence;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.cache.CacheInvalidate;
import io.learngrid.bus.courses.ImportRoster;
import io.learngrid.bus.courses.ImportRoster.RowError;
import io.learngrid.bus.courses.ImportRoster.Student;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.learngrid.jobs.JobFailure;
import io.learngrid.jobs.JobHandler;
import io.learngrid.jobs.RunningJob;
import io.learngrid.mail.EmailTemplates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code roster} job: a class list becomes accounts, enrollments and set-password emails.
 * Rows go in chunks, each one transaction with the job's checkpoint (next row, counts so far),
 * fenced by the lease: an attempt that dies midway leaves whole chunks and the checkpoint that
 * counts them, and the next attempt goes on from there. Emails are unique, so a re-run, a
 * retried chunk or two imports at once never make an account twice.
 */
public final class RosterImport implements JobHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RosterImport.class);
  /** Rows per transaction: ~50 ms of work, so a lost attempt redoes little and locks are short. */
  static final int CHUNK = 250;
  static final int SET_PASSWORD_DAYS = 7;

  private static final String CHECKPOINT = """
      SELECT checkpoint FROM jobs WHERE id = $1 AND lease_token = $2 AND status = 'running'""";
  // Re-checked in every chunk: the course may have been deleted, archived or handed over meanwhile.
  // FOR KEY SHARE holds off a hard delete until the chunk commits.
  private static final String COURSE = """
      SELECT title FROM courses
      WHERE id = $1 AND teacher_id = $2 AND deleted_at IS NULL AND status = 'active' FOR KEY SHARE""";
  // Rows come sorted by email, so two imports of overlapping rosters take the unique index's
  // entries in one order and cannot deadlock. No password: the account's hash is empty, which
  // no login matches, until its student sets one through the emailed token.
  private static final String CREATE = """
      INSERT INTO users (email, password_hash, display_name, role)
      SELECT r.email, '', r.display_name, 'student'
      FROM jsonb_to_recordset($1) AS r(email text, display_name text)
      ON CONFLICT (email) DO NOTHING
      RETURNING id, email""";
  // FOR SHARE: a role change or an erasure that commits meanwhile waits for this chunk, so no
  // account is enrolled as a student after it stopped being one.
  private static final String ACCOUNTS = """
      SELECT id, email, role FROM users WHERE email = ANY ($1) AND erased_at IS NULL ORDER BY email FOR SHARE""";
  private static final String ENROLL = """
      INSERT INTO enrollments (course_id, student_id) SELECT $1, unnest($2::uuid[])
      ON CONFLICT (course_id, student_id) DO NOTHING
      RETURNING student_id""";
  private static final String TOKENS = """
      INSERT INTO password_reset_tokens (token_hash, user_id, expires_at)
      SELECT decode(r.hash, 'hex'), r.user_id, now() + make_interval(days => $2)
      FROM jsonb_to_recordset($1) AS r(hash text, user_id uuid)""";
  private static final String SAVE = """
      UPDATE jobs SET checkpoint = $3, progress_done = $4, progress_total = $5
      WHERE id = $1 AND lease_token = $2 AND status = 'running'""";

  private final Pool pool;
  private final LearngridConfig.Jobs jobs;
  private final BusClient cacheRole;
  private final Vertx vertx;
  private final SecureRandom random = new SecureRandom();

  public RosterImport(Vertx vertx, Pool pool, LearngridConfig.Jobs jobs, long cacheTimeout) {
    this.vertx = vertx;
    this.pool = pool;
    this.jobs = jobs;
    this.cacheRole = new BusClient(vertx, cacheTimeout);
  }

  /** The counts so far and the next row; stored as the job's checkpoint. */
  record Progress(int next, int created, int enrolled, int alreadyEnrolled, List<RowError> errors) {
    static final Progress START = new Progress(0, 0, 0, 0, List.of());
  }

  @Override
  public Future<JsonObject> run(RunningJob job) {
    ImportRoster roster = BusJson.fromJson(job.input(), ImportRoster.class);
    List<Student> rows = new ArrayList<>(roster.students());
    rows.sort(Comparator.comparing(Student::email));
    Tuple lease = Tuple.of(Rows.id(job.id(), "job"), Rows.id(job.leaseToken(), "lease"));
    return pool.preparedQuery(CHECKPOINT).execute(lease).compose(found -> {
      if (found.size() == 0) {
        return Future.failedFuture(new JobFailure("the job's lease passed to another attempt", true));
      }
      JsonObject saved = found.iterator().next().getJsonObject("checkpoint");
      Progress from = saved == null ? Progress.START : BusJson.fromJson(saved, Progress.class);
      return chunks(job, roster, rows, from);
    }).map(done -> result(roster, done));
  }

  private Future<Progress> chunks(RunningJob job, ImportRoster roster, List<Student> rows, Progress at) {
    if (at.next() >= rows.size()) {
      return Future.succeededFuture(at);
    }
    List<Student> chunk = rows.subList(at.next(), Math.min(rows.size(), at.next() + CHUNK));
    Set<UUID> existingEnrolled = new HashSet<>();
    List<String> emailed = new ArrayList<>();
    return pool.withTransaction(conn -> chunk(conn, job, roster, chunk, at, existingEnrolled, emailed))
        .compose(next -> {
          if (!emailed.isEmpty()) {
            JobStore.announce(vertx, JobKinds.EMAIL);
          }
          forgetNotEnrolled(roster.courseId(), existingEnrolled);
          return chunks(job, roster, rows, next);
        });
  }

  private Future<Progress> chunk(SqlConnection conn, RunningJob job, ImportRoster roster, List<Student> chunk,
                                 Progress at, Set<UUID> existingEnrolled, List<String> emailed) {
    UUID course = Rows.id(roster.courseId(), "course");
    UUID teacher = Rows.id(job.ownerId(), "user");
    JsonArray newRows = new JsonArray();
    String[] emails = new String[chunk.size()];
    for (int i = 0; i < chunk.size(); i++) {
      Student row = chunk.get(i);
      emails[i] = row.email();
      newRows.add(new JsonObject().put("email", row.email()).put("display_name", row.displayName()));
    }
    return conn.preparedQuery(COURSE).execute(Tuple.of(course, teacher)).compose(courses -> {
      if (courses.size() == 0) {
        return Future.failedFuture(new JobFailure("the course is gone, archived or no longer yours", false));
      }
      String title = courses.iterator().next().getString("title");
      return conn.preparedQuery(CREATE).execute(Tuple.of(newRows)).compose(created -> {
        Map<String, UUID> createdIds = new HashMap<>();
        for (Row row : created) {
          createdIds.put(row.getString("email"), row.getUUID("id"));
        }
        return conn.preparedQuery(ACCOUNTS).execute(Tuple.of(emails)).compose(accounts -> {
          Map<String, Row> byEmail = new HashMap<>();
          for (Row row : accounts) {
            byEmail.put(row.getString("email"), row);
          }
          List<RowError> errors = new ArrayList<>(at.errors());
          List<UUID> students = new ArrayList<>();
          for (Student row : chunk) {
            Row account = byEmail.get(row.email());
            if (account == null) {
              // Erased between the insert and the lookup: its email is no longer this one.
              errors.add(new RowError(row.line(), "the account of this email was just erased"));
            } else if (!"student".equals(account.getString("role"))) {
              errors.add(new RowError(row.line(), "the account of this email is not a student's"));
            } else {
              students.add(account.getUUID("id"));
            }
          }
          return conn.preparedQuery(ENROLL).execute(Tuple.of(course, (Object) students.toArray(UUID[]::new)))
              .compose(enrolled -> {
                int newly = enrolled.rowCount();
                for (Row row : enrolled) {
                  UUID id = row.getUUID("student_id");
                  if (!createdIds.containsValue(id)) {
                    existingEnrolled.add(id);
                  }
                }
                Progress next = new Progress(at.next() + chunk.size(), at.created() + createdIds.size(),
                    at.enrolled() + newly, at.alreadyEnrolled() + students.size() - newly, List.copyOf(errors));
                return setPasswordMail(conn, chunk, createdIds, title, emailed)
                    .compose(v -> save(conn, job, next, roster.students().size()));
              });
        });
      });
    });
  }

  /** A set-password token per new account, and the email that carries it, in the chunk's transaction. */
  private Future<Void> setPasswordMail(SqlConnection conn, List<Student> chunk, Map<String, UUID> createdIds,
                                       String courseTitle, List<String> emailed) {
    if (createdIds.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonArray tokens = new JsonArray();
    JsonArray mails = new JsonArray();
    for (Student row : chunk) {
      UUID id = createdIds.get(row.email());
      if (id == null) {
        continue;
      }
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      tokens.add(new JsonObject().put("hash", HexFormat.of().formatHex(RefreshTokenStore.sha256(token)))
          .put("user_id", id.toString()));
      mails.add(new JsonObject().put("owner", id.toString()).put("input", new JsonObject()
          .put("to", row.email())
          .put("template", EmailTemplates.SET_PASSWORD)
          .put("vars", new JsonObject().put("displayName", row.displayName()).put("courseTitle", courseTitle)
              .put("validMinutes", SET_PASSWORD_DAYS * 24 * 60))
          .put("secrets", new JsonObject().put("token", token))));
      emailed.add(row.email());
    }
    return conn.preparedQuery(TOKENS).execute(Tuple.of(tokens, SET_PASSWORD_DAYS))
        .compose(v -> JobStore.enqueueAll(conn, jobs, JobKinds.EMAIL, mails, 0));
  }

  private static Future<Progress> save(SqlConnection conn, RunningJob job, Progress next, int total) {
    return conn.preparedQuery(SAVE)
        .execute(Tuple.of(Rows.id(job.id(), "job"), Rows.id(job.leaseToken(), "lease"), BusJson.toJson(next),
            next.next(), total))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture(next)
            : Future.failedFuture(new JobFailure("the job's lease passed to another attempt", true)));
  }

  /**
   * A student who asked for the course before being enrolled may have "not enrolled" cached
   * (Access.enrollmentKey); the shared copy goes now, a near copy within its few seconds' TTL.
   */
  private void forgetNotEnrolled(String courseId, Set<UUID> students) {
    if (students.isEmpty()) {
      return;
    }
    List<String> keys = students.stream().map(id -> "enrollment:" + courseId + ":" + id).toList();
    cacheRole.request(CacheInvalidate.ENDPOINT, new CacheInvalidate(keys)).onFailure(failure ->
        LOG.warn("roster of course " + courseId + ": cached enrollments not dropped (they expire by TTL): "
            + failure.getMessage()));
  }

  private static JsonObject result(ImportRoster roster, Progress done) {
    List<RowError> errors = new ArrayList<>(roster.rejected());
    errors.addAll(done.errors());
    errors.sort(Comparator.comparingInt(RowError::line));
    JsonArray list = new JsonArray();
    errors.forEach(error -> list.add(new JsonObject().put("line", error.line()).put("message", error.message())));
    return new JsonObject()
        .put("created", done.created())
        .put("enrolled", done.enrolled())
        .put("alreadyEnrolled", done.alreadyEnrolled())
        .put("errors", list);
  }
}
