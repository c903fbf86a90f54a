package io.learngrid.persistence;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monthly partitions of answer_events (UTC months, named answer_events_yYYYYmMM): the current
 * month and the next two are created ahead, and months that ended more than the retention period
 * ago are dropped (question_scores keeps their effect). Every persistence node runs this at start
 * and then every hour; a transaction-scoped advisory lock makes concurrent nodes take turns, and
 * the second finds nothing to do.
 *
 * <p>Rows can sit in the DEFAULT partition only when no node created their month in time (all
 * nodes down for two months, or a clock far off). Creating a partition over such rows would fail,
 * so a month is created as a plain table, the default partition's rows of that month are moved
 * into it, and it is attached, all while the default partition is locked, so no new row of that
 * month can land there in between.
 */
final class AnswerPartitions {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerPartitions.class);
  static final int MONTHS_AHEAD = 2;
  private static final long ADVISORY_LOCK = 0x6c67_616e_7377_6572L; // "lganswer"
  private static final Pattern NAME = Pattern.compile("answer_events_y(\\d{4})m(\\d{2})");
  private static final String PARTITIONS = """
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'answer_events'::regclass""";

  private final Pool pool;
  private final int retentionDays;

  AnswerPartitions(Pool pool, int retentionDays) {
    this.pool = pool;
    this.retentionDays = retentionDays;
  }

  static String name(YearMonth month) {
    return "answer_events_y%04dm%02d".formatted(month.getYear(), month.getMonthValue());
  }

  /** Drops expired months first, then creates missing ones; each step in its own locked transaction. */
  Future<Void> maintain() {
    Instant now = Instant.now();
    return pool.withTransaction(conn -> locked(conn).compose(existing -> dropExpired(conn, existing, now)))
        .compose(v -> pool.withTransaction(conn -> locked(conn).compose(existing -> createAhead(conn, existing, now))));
  }

  /** Takes the advisory lock (released at commit) and lists the months that have a partition. */
  private Future<Set<YearMonth>> locked(SqlConnection conn) {
    // A DDL lock that cannot be had soon is retried at the next run rather than stalling every insert behind it.
    return conn.query("SET LOCAL lock_timeout = '10s'").execute()
        .compose(v -> conn.query("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK + ")").execute())
        .compose(v -> conn.query(PARTITIONS).execute())
        .map(rows -> {
          Set<YearMonth> months = new TreeSet<>();
          rows.forEach(row -> {
            Matcher m = NAME.matcher(row.getString(0));
            if (m.matches()) {
              months.add(YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            }
          });
          return months;
        });
  }

  private Future<Void> createAhead(SqlConnection conn, Set<YearMonth> existing, Instant now) {
    YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i <= MONTHS_AHEAD; i++) {
      YearMonth month = current.plusMonths(i);
      if (!existing.contains(month)) {
        chain = chain.compose(v -> create(conn, month));
      }
    }
    return chain;
  }

  private Future<Void> create(SqlConnection conn, YearMonth month) {
    String table = name(month);
    String from = start(month).toString();
    String to = start(month.plusMonths(1)).toString();
    return conn.query("LOCK TABLE answer_events_default IN ACCESS EXCLUSIVE MODE").execute()
        .compose(v -> conn.query("CREATE TABLE " + table
            + " (LIKE answer_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)").execute())
        .compose(v -> conn.query("WITH moved AS (DELETE FROM answer_events_default WHERE submitted_at >= '" + from
            + "' AND submitted_at < '" + to + "' RETURNING *) INSERT INTO " + table + " SELECT * FROM moved").execute())
        .compose(moved -> conn.query("ALTER TABLE answer_events ATTACH PARTITION " + table + " FOR VALUES FROM ('"
                + from + "') TO ('" + to + "')").execute()
            .onSuccess(v -> LOG.info("created partition " + table + (moved.rowCount() > 0
                ? " (moved " + moved.rowCount() + " rows of that month from answer_events_default)" : ""))))
        .mapEmpty();
  }

  private Future<Void> dropExpired(SqlConnection conn, Set<YearMonth> existing, Instant now) {
    Instant cutoff = now.minus(retentionDays, ChronoUnit.DAYS);
    List<YearMonth> expired = new ArrayList<>();
    for (YearMonth month : existing) {
      if (start(month.plusMonths(1)).isBefore(cutoff)) {
        expired.add(month);
      }
    }
    YearMonth cutoffMonth = YearMonth.from(cutoff.atZone(ZoneOffset.UTC));
    Future<Void> chain = conn.query("DELETE FROM answer_events_default WHERE submitted_at < '" + start(cutoffMonth) + "'")
        .execute()
        .onSuccess(deleted -> {
          if (deleted.rowCount() > 0) {
            LOG.info("deleted " + deleted.rowCount() + " expired rows from answer_events_default");
          }
        })
        .mapEmpty();
    if (!expired.isEmpty()) {
      // The parent first, in the order queries take their locks, so dropping cannot deadlock with them.
      chain = chain.compose(v -> conn.query("LOCK TABLE answer_events IN ACCESS EXCLUSIVE MODE").execute()).mapEmpty();
    }
    for (YearMonth month : expired) {
      chain = chain.compose(v -> conn.query("DROP TABLE " + name(month)).execute()
          .onSuccess(dropped -> LOG.info("dropped partition " + name(month) + " (older than " + retentionDays + " days)"))
          .mapEmpty());
    }
    return chain;
  }

  private static Instant start(YearMonth month) {
    return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
