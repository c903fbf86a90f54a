package io.learngrid.persistence;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import io.learngrid.bus.Uuids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;

/** Small helpers shared by the stores: ids, timestamps, the single row of a reply. */
final class Rows {

  static final String UNIQUE_VIOLATION = "23505";
  static final String FOREIGN_KEY_VIOLATION = "23503";

  private Rows() {}

  /** Ids are opaque to clients; one that is not a UUID names nothing, so it is simply not found. */
  static UUID id(String id, String what) {
    UUID uuid = Uuids.parse(id);
    if (uuid == null) {
      throw BusError.NOT_FOUND.exception(what + " not found");
    }
    return uuid;
  }

  static String timestamp(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant().toString();
  }

  static <T> Future<T> one(RowSet<Row> rows, Function<Row, T> mapper, String notFound) {
    var iterator = rows.iterator();
    return iterator.hasNext()
        ? Future.succeededFuture(mapper.apply(iterator.next()))
        : Future.failedFuture(BusError.NOT_FOUND.exception(notFound));
  }

  /**
   * A failure that is not an answer from PostgreSQL (no connection, pool wait queue full, acquire
   * timeout) means the database is unreachable right now: UNAVAILABLE, so clients get a 503 with
   * Retry-After; so do PostgreSQL's own "not now" answers (starting up, shutting down, too many
   * connections: class 57P and 53300). Text it cannot store (22021, 22P05) is the client's: the
   * http role refuses NUL and unpaired surrogates first, so this is only a backstop. PostgreSQL's
   * other errors stay as they are and surface as 500s.
   */
  static <T> Future<T> classify(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null) {
      String state = pg.getSqlState();
      if (state.startsWith("57P") || state.equals("53300")) {
        return Future.failedFuture(BusError.UNAVAILABLE.exception("the database is unavailable"));
      }
      if (state.equals("22021") || state.equals("22P05")) {
        return Future.failedFuture(BusError.BAD_REQUEST.exception("the text contains characters that cannot be stored"));
      }
    }
    if (failure instanceof ReplyException || failure instanceof PgException) {
      return Future.failedFuture(failure);
    }
    return Future.failedFuture(BusError.UNAVAILABLE.exception("the database is unavailable"));
  }

  /**
   * Serves a store's address with {@link #classify} applied to its failures; completes once the
   * consumer is registered (across the cluster, when clustered).
   */
  static <Q extends BusMessage, R extends BusMessage> Future<Void> serve(Vertx vertx, Endpoint<Q, R> endpoint,
                                                                         Function<Q, Future<R>> handler) {
    return Bus.serve(vertx, endpoint, request -> handler.apply(request).recover(Rows::classify)).completion();
  }

  static boolean isSqlState(Throwable failure, String state) {
    return failure instanceof PgException pg && state.equals(pg.getSqlState());
  }
}
