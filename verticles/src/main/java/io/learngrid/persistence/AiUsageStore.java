package io.learngrid.persistence;

import io.learngrid.bus.ai.AiUsage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Uuids;
import io.learngrid.bus.ai.RecordAiUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** The ai_usage table: batches of usage rows from the ai role, one multi-row insert each. */
final class AiUsageStore {

  private static final String INSERT = """
      INSERT INTO ai_usage (user_id, model, upstream, purpose, prompt_tokens, completion_tokens, cost, latency_ms,
                            cached, streamed, created_at, api_key_id)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";
  /** A bound on one message's rows, whatever a sender puts in it. */
  private static final int MAX_BATCH = 1_000;

  private final Pool pool;

  AiUsageStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Rows.serve(vertx, RecordAiUsage.ENDPOINT, this::record);
  }

  Future<Done> record(RecordAiUsage batch) {
    List<Tuple> rows = batch.entries() == null ? List.of() : batch.entries().stream()
        .limit(MAX_BATCH).map(AiUsageStore::row).toList();
    if (rows.isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    return pool.preparedQuery(INSERT).executeBatch(rows).map(done -> Done.INSTANCE);
  }

  private static Tuple row(AiUsage usage) {
    return Tuple.from(new Object[] {
        uuid(usage.userId()), usage.model() == null ? "unknown" : usage.model(), usage.upstream(),
        usage.purpose() == null ? "chat" : usage.purpose(), usage.promptTokens(), usage.completionTokens(),
        BigDecimal.valueOf(usage.cost()), (int) Math.min(Integer.MAX_VALUE, usage.latencyMillis()),
        usage.cached(), usage.streamed(),
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(usage.at()), ZoneOffset.UTC), uuid(usage.apiKeyId())});
  }

  private static UUID uuid(String id) {
    return Uuids.parse(id);
  }
}
