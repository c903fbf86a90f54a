package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.accounts.ListRevocations;
import io.learngrid.bus.accounts.Revocation;
import io.learngrid.bus.accounts.RevocationList;
import io.learngrid.bus.accounts.RevokeAccessToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable side of access-token revocation. Each http node refuses revoked tokens from memory
 * (http/auth/Revocations); this is what a node loads when it starts: per-user instants (in the
 * users table, set by AccountStore) and the denied jtis of logouts. Rows older than a token's life
 * refuse nothing and are deleted hourly.
 */
final class RevocationStore {

  private static final long UPKEEP_MILLIS = 60 * 60 * 1000;
  private static final String DENY =
      "INSERT INTO revoked_access_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING";
  private static final String USERS =
      "SELECT id, tokens_valid_after FROM users WHERE tokens_valid_after > now() - make_interval(secs => $1)";
  private static final String TOKENS = "SELECT jti, user_id, expires_at FROM revoked_access_tokens WHERE expires_at > now()";
  private static final String FORGET = "DELETE FROM revoked_access_tokens WHERE expires_at < now()";
  private static final String FORGET_RESETS = "DELETE FROM password_reset_tokens WHERE expires_at < now() - interval '1 day'";

  private final Pool pool;

  RevocationStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    vertx.setPeriodic(UPKEEP_MILLIS, id -> pool.query(FORGET).execute()
        .compose(done -> pool.query(FORGET_RESETS).execute()));
    return Future.all(
        Rows.serve(vertx, RevokeAccessToken.ENDPOINT, this::deny),
        Rows.serve(vertx, ListRevocations.ENDPOINT, this::list)).mapEmpty();
  }

  Future<Revocation> deny(RevokeAccessToken request) {
    OffsetDateTime expires;
    try {
      expires = Instant.parse(request.expiresAt()).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException | NullPointerException e) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("expiresAt must be an RFC 3339 timestamp"));
    }
    return pool.preparedQuery(DENY)
        .execute(Tuple.of(Rows.id(request.jti(), "token"), Rows.id(request.userId(), "user"), expires))
        .map(done -> new Revocation(request.userId(), null, request.jti(), request.expiresAt()));
  }

  Future<RevocationList> list(ListRevocations request) {
    List<Revocation> items = new ArrayList<>();
    return pool.preparedQuery(USERS).execute(Tuple.of(Math.max(request.lifetimeSeconds(), 0)))
        .compose(users -> {
          users.forEach(row -> items.add(Revocation.user(row.getUUID("id").toString(),
              Rows.timestamp(row, "tokens_valid_after"))));
          return pool.query(TOKENS).execute();
        })
        .map(tokens -> {
          tokens.forEach(row -> items.add(new Revocation(row.getUUID("user_id").toString(), null,
              row.getUUID("jti").toString(), Rows.timestamp(row, "expires_at"))));
          return new RevocationList(items);
        });
  }
}
