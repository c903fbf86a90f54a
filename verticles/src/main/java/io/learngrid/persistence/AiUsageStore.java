package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.ai.AiUsage;
import io.learngrid.bus.ai.AiUsageReport;
import io.learngrid.bus.ai.GetAiUsage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Uuids;
import io.learngrid.bus.ai.RecordAiUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The ai_usage table and its roll-ups (V55): batches of usage rows from the ai role, inserted with
 * their roll-ups in one transaction (tables always in the same order, keys in key order); usage
 * reports read from the roll-ups only.
 */
final class AiUsageStore {

  private static final String INSERT = """
      INSERT INTO ai_usage (user_id, model, upstream, purpose, prompt_tokens, completion_tokens, cost, latency_ms,
                            cached, streamed, created_at, api_key_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";
  /**
   * The roll-ups, each one row per key of the batch added to what is there. Rows go in key order
   * ({@link AiUsageRollUps}): two batches touching the same keys lock them in the same order, so
   * they queue rather than deadlock.
   */
  private static final String ADD = """
      ON CONFLICT %s DO UPDATE SET
        requests = r.requests + EXCLUDED.requests,
        prompt_tokens = r.prompt_tokens + EXCLUDED.prompt_tokens,
        completion_tokens = r.completion_tokens + EXCLUDED.completion_tokens,
        cost = r.cost + EXCLUDED.cost""";
  private static final String DAILY_MODELS = """
      INSERT INTO ai_usage_daily_models AS r (day, model, requests, prompt_tokens, completion_tokens, cost)
      VALUES ($1, $2, $3, $4, $5, $6)
      """ + ADD.formatted("(day, model)");
  private static final String DAILY_USERS = """
      INSERT INTO ai_usage_daily_users AS r (day, user_id, requests, prompt_tokens, completion_tokens, cost)
      VALUES ($1, $2, $3, $4, $5, $6)
      """ + ADD.formatted("ON CONSTRAINT ai_usage_daily_users_key");
  private static final String WEEKLY_USERS = """
      INSERT INTO ai_usage_weekly_users AS r (week, user_id, requests, prompt_tokens, completion_tokens, cost)
      VALUES ($1, $2, $3, $4, $5, $6)
      """ + ADD.formatted("ON CONSTRAINT ai_usage_weekly_users_key");
  private static final String MONTHLY_USERS = """
      INSERT INTO ai_usage_monthly_users AS r (month, user_id, requests, prompt_tokens, completion_tokens, cost)
      VALUES ($1, $2, $3, $4, $5, $6)
      """ + ADD.formatted("ON CONSTRAINT ai_usage_monthly_users_key");
  private static final String SUMS = """
      sum(requests) AS requests, sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
      sum(cost) AS cost""";
  private static final String BY_COST = "sum(cost) DESC, sum(prompt_tokens) + sum(completion_tokens) DESC, 1";
  /**
   * By user: the range's whole months [$3, $4) from the monthly roll-up; the whole weeks of what is
   * left before them [$5, $6) and after them [$7, $8) from the weekly one; the other days, [$1, $5),
   * [$6, $3), [$4, $7) and [$8, $2], from the daily one. Each roll-up's key index leads with its
   * period, so each part is an index range scan that reads only the rows it sums (a NOT filter on
   * the days made PostgreSQL read and drop the whole range's day rows).
   */
  private static final String BY_USER = """
      SELECT user_id::text AS key, %s FROM (
        SELECT user_id, requests, prompt_tokens, completion_tokens, cost FROM ai_usage_monthly_users
        WHERE month >= $3 AND month < $4
        UNION ALL
        SELECT user_id, requests, prompt_tokens, completion_tokens, cost FROM ai_usage_weekly_users
        WHERE week >= $5 AND week < $6 OR week >= $7 AND week < $8
        UNION ALL
        SELECT user_id, requests, prompt_tokens, completion_tokens, cost FROM ai_usage_daily_users
        WHERE day >= $1 AND day < $5 OR day >= $6 AND day < $3 OR day >= $4 AND day < $7 OR day >= $8 AND day <= $2
      ) u
      GROUP BY user_id
      ORDER BY %s""".formatted(SUMS, BY_COST.replace(", 1", ", user_id"));
  private static final String BY_MODEL = """
      SELECT model AS key, %s FROM ai_usage_daily_models WHERE day BETWEEN $1 AND $2
      GROUP BY model ORDER BY %s""".formatted(SUMS, BY_COST);
  private static final String BY_DAY = """
      SELECT day::text AS key, %s FROM ai_usage_daily_models WHERE day BETWEEN $1 AND $2
      GROUP BY day ORDER BY day""".formatted(SUMS);
  /** A bound on one message's rows, whatever a sender puts in it. */
  private static final int MAX_BATCH = 1_000;

  private final Pool pool;
  private final Pool reads;

  /** {@code reads}: the replica when there is one (a report tolerates replication lag). */
  AiUsageStore(Pool pool, Pool reads) {
    this.pool = pool;
    this.reads = reads;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, RecordAiUsage.ENDPOINT, this::record),
        Rows.serve(vertx, GetAiUsage.ENDPOINT, this::report)).mapEmpty();
  }

  Future<Done> record(RecordAiUsage batch) {
    List<AiUsage> entries = batch.entries() == null ? List.of() : batch.entries().stream()
        .filter(Objects::nonNull).limit(MAX_BATCH).toList();
    if (entries.isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    List<Tuple> rows = entries.stream().map(AiUsageStore::row).toList();
    AiUsageRollUps rollUps = AiUsageRollUps.of(entries);
    return pool.withTransaction(client -> client.preparedQuery(INSERT).executeBatch(rows)
            .compose(inserted -> client.preparedQuery(DAILY_MODELS).executeBatch(rollUps.dailyModels()))
            .compose(added -> client.preparedQuery(DAILY_USERS).executeBatch(rollUps.dailyUsers()))
            .compose(added -> client.preparedQuery(WEEKLY_USERS).executeBatch(rollUps.weeklyUsers()))
            .compose(added -> client.preparedQuery(MONTHLY_USERS).executeBatch(rollUps.monthlyUsers())))
        .map(done -> Done.INSTANCE);
  }

  Future<AiUsageReport> report(GetAiUsage query) {
    String groupBy = String.valueOf(query.groupBy());
    if (!List.of(GetAiUsage.USER, GetAiUsage.MODEL, GetAiUsage.DAY).contains(groupBy)) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("groupBy must be user, model or day"));
    }
    LocalDate from;
    LocalDate to;
    try {
      from = LocalDate.parse(String.valueOf(query.from()));
      to = LocalDate.parse(String.valueOf(query.to()));
    } catch (DateTimeParseException e) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("from and to must be dates (YYYY-MM-DD)"));
    }
    if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= GetAiUsage.MAX_DAYS) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception(
          "to must be on or after from, at most " + GetAiUsage.MAX_DAYS + " days in all"));
    }
    Future<RowSet<Row>> rows = switch (groupBy) {
      case GetAiUsage.USER -> reads.preparedQuery(BY_USER).execute(Tuple.from(byUserRanges(from, to)));
      case GetAiUsage.MODEL -> reads.preparedQuery(BY_MODEL).execute(Tuple.of(from, to));
      default -> reads.preparedQuery(BY_DAY).execute(Tuple.of(from, to));
    };
    return rows.map(result -> {
      List<AiUsageReport.Item> items = new ArrayList<>(result.size());
      for (Row row : result) {
        items.add(new AiUsageReport.Item(row.getString("key"), row.getLong("requests"), row.getLong("prompt_tokens"),
            row.getLong("completion_tokens"), row.getBigDecimal("cost").doubleValue()));
      }
      return new AiUsageReport(items);
    });
  }

  private static Tuple row(AiUsage usage) {
    return Tuple.from(new Object[] {
        uuid(usage.userId()), model(usage), usage.upstream(),
        usage.purpose() == null ? "chat" : usage.purpose(), usage.promptTokens(), usage.completionTokens(),
        BigDecimal.valueOf(usage.cost()), (int) Math.min(Integer.MAX_VALUE, usage.latencyMillis()),
        usage.cached(), usage.streamed(),
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(usage.at()), ZoneOffset.UTC), uuid(usage.apiKeyId())});
  }

  /**
   * BY_USER's parameters for [from, to]: from, to, the whole months [m1, m2), the whole weeks of the
   * part before them [h1, h2) and of the part after them [t1, t2). An empty range is [x, x).
   */
  static Object[] byUserRanges(LocalDate from, LocalDate to) {
    LocalDate end = to.plusDays(1);
    LocalDate[] months = wholeMonths(from, end);
    LocalDate[] head = wholeWeeks(from, months[0]);
    LocalDate[] tail = wholeWeeks(months[1], end);
    return new Object[] {from, to, months[0], months[1], head[0], head[1], tail[0], tail[1]};
  }

  /** The whole UTC months within [from, end) as [first day, first day after); when none, [end, end). */
  static LocalDate[] wholeMonths(LocalDate from, LocalDate end) {
    LocalDate start = from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
    LocalDate stop = end.withDayOfMonth(1);
    return start.isBefore(stop) ? new LocalDate[] {start, stop} : new LocalDate[] {end, end};
  }

  /** The whole ISO weeks (Monday to Sunday) within [from, end), as [a Monday, a Monday); when none, [end, end). */
  static LocalDate[] wholeWeeks(LocalDate from, LocalDate end) {
    LocalDate start = from.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
    LocalDate stop = end.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    return start.isBefore(stop) ? new LocalDate[] {start, stop} : new LocalDate[] {end, end};
  }

  static String model(AiUsage usage) {
    return usage.model() == null ? "unknown" : usage.model();
  }

  static UUID uuid(String id) {
    return Uuids.parse(id);
  }
}
