package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.IssueRefreshToken;
import io.learngrid.bus.RefreshToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/** Refresh tokens: only their SHA-256 is stored, so a database dump cannot be replayed. */
final class RefreshTokenStore {

  static final Duration LIFETIME = Duration.ofDays(30);
  private static final String INSERT =
      "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES ($1, $2, $3, $4)";

  private final Pool pool;
  private final SecureRandom random = new SecureRandom();

  RefreshTokenStore(Pool pool) {
    this.pool = pool;
  }

  void serve(Vertx vertx) {
    Rows.serve(vertx, IssueRefreshToken.ADDRESS, IssueRefreshToken.class, this::issue);
  }

  Future<RefreshToken> issue(IssueRefreshToken request) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(LIFETIME);
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(Buffer.buffer(sha256(token)), UUID.randomUUID(), Rows.id(request.userId(), "user"), expires))
        .map(done -> new RefreshToken(token, expires.toInstant().toString()))
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("user not found"))
            : Future.failedFuture(failure));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
