package io.learngrid.persistence;

import io.learngrid.bus.events.CourseEvent;
import io.learngrid.bus.events.CourseEventPage;
import io.learngrid.bus.events.ReadCourseEvents;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The course event outbox (V60__course_events.sql). A store that changes what a course's stream
 * shows puts the events in the same statement as the change: a CTE named {@value #SOURCE} with
 * columns {@code (course_id, type, occurred_at, data, ord)}, followed by {@link #append()}, which
 * numbers them per course, stores them, and queues a webhook delivery job for each active webhook
 * that subscribed to the type. Nothing is published before the statement's transaction commits;
 * then {@link #published} sends the stored events to the course's bus address.
 *
 * <p>The live publish may be lost (the node dies between commit and publish): streams notice the
 * gap in seq and read it from here, and webhook deliveries do not depend on it at all.
 */
final class CourseEvents {

  static final String SOURCE = "new_course_events";
  /** The outbox columns a statement returns, read by {@link #events}; {@code deliveries}: webhook jobs queued. */
  static final String COLUMNS = "o.course_id, o.seq, o.id AS course_event_id, o.type, o.occurred_at, o.data, "
      + "(SELECT count(*) FROM webhook_deliveries) AS deliveries";
  /** The same columns as NULLs, for a UNION ALL with rows of another kind. */
  static final String NO_COLUMNS = "NULL::uuid AS course_id, NULL::bigint AS seq, NULL::uuid AS course_event_id, "
      + "NULL::text AS type, NULL::timestamptz AS occurred_at, NULL::jsonb AS data, NULL::bigint AS deliveries";

  // The counter row of each course is bumped once per statement, courses in id order (two
  // statements that touch the same courses cannot deadlock), and stays locked until commit:
  // events of one course commit in seq order. The counts are taken from the source after every
  // other part of the statement ran (the source reads their RETURNING), so this lock comes last.
  // Webhook deliveries carry the whole event: they outlive the outbox (24 h of retries).
  private static final String APPEND = """
      course_event_counts AS (
        SELECT course_id, count(*) AS n FROM %1$s GROUP BY course_id
      ),
      course_event_bumps AS (
        INSERT INTO course_event_seqs AS s (course_id, last_seq)
        SELECT course_id, n FROM course_event_counts ORDER BY course_id
        ON CONFLICT (course_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
        RETURNING course_id, last_seq
      ),
      course_outbox AS (
        INSERT INTO course_events (course_id, seq, id, type, occurred_at, data)
        SELECT e.course_id,
               b.last_seq - c.n + row_number() OVER (PARTITION BY e.course_id ORDER BY e.occurred_at, e.ord),
               gen_random_uuid(), e.type, e.occurred_at, e.data
        FROM %1$s e JOIN course_event_counts c USING (course_id) JOIN course_event_bumps b USING (course_id)
        RETURNING course_id, seq, id, type, occurred_at, data
      ),
      webhook_deliveries AS (
        INSERT INTO jobs (id, owner_id, kind, status, priority, input, max_attempts)
        SELECT gen_random_uuid(), w.created_by, '%2$s', 'queued', %3$d,
               jsonb_build_object('webhookId', w.id, 'event', jsonb_build_object('id', o.id, 'type', o.type,
                 'occurredAt', to_char(o.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                 'data', o.data || jsonb_build_object('courseId', o.course_id))),
               %4$d
        FROM course_outbox o JOIN webhooks w ON o.type = ANY (w.events) AND w.disabled_at IS NULL
        RETURNING 1
      )""";
  private static final String PAGE = """
      SELECT course_id, seq, id AS course_event_id, type, occurred_at, data, 0::bigint AS deliveries
      FROM course_events WHERE course_id = $1 AND seq > $2 ORDER BY seq LIMIT $3""";
  private static final String BOUNDS = """
      SELECT coalesce((SELECT last_seq FROM course_event_seqs WHERE course_id = $1), 0) AS last_seq,
             coalesce((SELECT min(seq) FROM course_events WHERE course_id = $1), 0) AS oldest_seq""";

  private final Vertx vertx;
  private final Pool pool;
  private final String append;

  CourseEvents(Vertx vertx, Pool pool, LearngridConfig.Jobs jobs) {
    this.vertx = vertx;
    this.pool = pool;
    LearngridConfig.JobKind webhook = jobs.kind(JobKinds.WEBHOOK);
    this.append = APPEND.formatted(SOURCE, JobKinds.WEBHOOK, webhook.priority(), webhook.maxAttempts());
  }

  /** The CTEs that store the rows of {@value #SOURCE} (to follow it, after a comma). */
  String append() {
    return append;
  }

  /**
   * A statement of {@code sources} (CTEs, the last one {@value #SOURCE}) then the outbox, replying
   * one row: {@code summary} (expressions over the CTEs) and the outbox's columns, or more rows,
   * one per event stored, with the same summary.
   */
  String statement(String sources, String summary) {
    return "WITH " + sources + ",\n" + append + "\nSELECT " + summary + ", " + COLUMNS
        + " FROM (SELECT 1) AS one LEFT JOIN course_outbox o ON true";
  }

  Future<Void> serve() {
    return Rows.serve(vertx, ReadCourseEvents.ENDPOINT, this::read);
  }

  /** Bounds first: an event committed between the two reads is then in the page, never beyond lastSeq unseen. */
  Future<CourseEventPage> read(ReadCourseEvents request) {
    UUID courseId = Rows.id(request.courseId(), "course");
    int limit = Math.max(1, Math.min(request.limit(), 1_000));
    return pool.preparedQuery(BOUNDS).execute(Tuple.of(courseId)).compose(bounds -> {
      Row row = bounds.iterator().next();
      long lastSeq = row.getLong("last_seq");
      long oldestSeq = row.getLong("oldest_seq");
      return pool.preparedQuery(PAGE).execute(Tuple.of(courseId, Math.max(0, request.afterSeq()), limit))
          .map(rows -> new CourseEventPage(events(rows), Math.max(lastSeq, last(rows)), oldestSeq));
    });
  }

  private static long last(RowSet<Row> rows) {
    long last = 0;
    for (Row row : rows) {
      last = Math.max(last, row.getLong("seq"));
    }
    return last;
  }

  /** The outbox rows of a statement's result (rows without a seq are other parts of it). */
  static List<CourseEvent> events(RowSet<Row> rows) {
    List<CourseEvent> events = new ArrayList<>();
    for (Row row : rows) {
      Long seq = row.getLong("seq");
      if (seq != null) {
        events.add(new CourseEvent(row.getUUID("course_id").toString(), seq, row.getUUID("course_event_id").toString(),
            row.getString("type"), Rows.timestamp(row, "occurred_at"), (JsonObject) row.getValue("data")));
      }
    }
    return events;
  }

  /** Webhook delivery jobs the statement queued. */
  static long deliveries(RowSet<Row> rows) {
    for (Row row : rows) {
      Long deliveries = row.getLong("deliveries");
      if (deliveries != null) {
        return deliveries;
      }
    }
    return 0;
  }

  /**
   * After commit: each event to its course's address, for the http nodes with a stream on it, and
   * a wake-up for the webhook runners when deliveries were queued.
   */
  void published(RowSet<Row> rows) {
    for (CourseEvent event : events(rows)) {
      vertx.eventBus().publish(CourseEvent.address(event.courseId()), event.toJson());
    }
    if (deliveries(rows) > 0) {
      JobStore.announce(vertx, JobKinds.WEBHOOK);
    }
  }
}
