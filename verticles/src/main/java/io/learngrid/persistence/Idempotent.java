package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Idempotency;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Creates something at most once per (user, Idempotency-Key). The key is claimed and the reply
 * recorded in the same transaction as the creation, so a crash cannot leave one without the other;
 * a concurrent duplicate blocks on the claim until the first commits, then replays its reply.
 */
final class Idempotent {

  private static final String CLAIM = """
      INSERT INTO idempotency_keys (user_id, key, request_hash, status, response) VALUES ($1, $2, $3, 0, '{}')
      ON CONFLICT (user_id, key) DO NOTHING""";
  private static final String RECORD = "UPDATE idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND key = $2";
  private static final String EARLIER = "SELECT request_hash, response FROM idempotency_keys WHERE user_id = $1 AND key = $2";

  private Idempotent() {}

  /**
   * Runs {@code create} in a transaction; with a key, the first reply for it instead when there is
   * one, or UNPROCESSABLE when the key was used for a different request.
   */
  static <T extends BusMessage> Future<T> create(Pool pool, String userId, Idempotency idempotency,
                                                 ToIntFunction<T> status, Class<T> type,
                                                 Function<SqlConnection, Future<T>> create) {
    if (idempotency == null) {
      return pool.withTransaction(create);
    }
    Buffer hash = Buffer.buffer(Base64.getDecoder().decode(idempotency.requestHash()));
    Tuple key = Tuple.of(Rows.id(userId, "user"), idempotency.key());
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
        .execute(Tuple.of(key.getValue(0), key.getValue(1), hash))
        .compose(claim -> claim.rowCount() == 1
            ? create.apply(conn).compose(reply -> conn.preparedQuery(RECORD)
                .execute(Tuple.of(key.getValue(0), key.getValue(1), status.applyAsInt(reply), reply.toJson()))
                .map(reply))
            : conn.preparedQuery(EARLIER).execute(key).map(rows -> {
              var earlier = rows.iterator().next();
              if (!earlier.getBuffer("request_hash").equals(hash)) {
                throw BusError.UNPROCESSABLE.exception("this Idempotency-Key was used for a different request");
              }
              return BusJson.fromJson((JsonObject) earlier.getValue("response"), type);
            })));
  }
}
