package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.accounts.IssueRefreshToken;
import io.learngrid.bus.accounts.RefreshToken;
import io.learngrid.bus.accounts.RevokeRefreshTokens;
import io.learngrid.bus.accounts.RotateRefreshToken;
import io.learngrid.bus.accounts.RotatedRefreshToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens: only their SHA-256 is stored, so a database dump cannot be replayed. A family is
 * one login's chain of rotations; every token is spent by its first refresh, and a spent token
 * presented again means two parties hold the chain (one of them a thief), so the whole family is
 * revoked and both must log in again.
 *
 * <p>Except within {@link #GRACE_SECONDS} of its spending, while its successor is the only token
 * issued since and is unspent: two tabs refreshing with the same token at once are one user, not a thief, and
 * the second gets a sibling instead of logging both out. A third presentation, or one after its
 * successor was spent, is reuse as before.
 */
final class RefreshTokenStore {

  private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenStore.class);

  /** Each rotation starts a new lifetime: a client that refreshes at least monthly stays logged in. */
  static final Duration LIFETIME = Duration.ofDays(30);
  static final String INVALID = "the refresh token is invalid, expired or revoked";
  static final int GRACE_SECONDS = 2;

  // Only for an active account. FOR SHARE: a concurrent disabling (AccountStore locks the user row
  // first) waits for this login's token and then revokes it, or this waits and stores nothing.
  private static final String INSERT = """
      INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at)
      SELECT $1, $2, id, $4 FROM users WHERE id = $3 AND status = 'active' AND erased_at IS NULL FOR SHARE""";
  // FOR UPDATE OF t: a second refresh of the same token waits here for the first one's commit and
  // then sees used_at set, so two concurrent refreshes can never both succeed. The user row is read
  // (for the current role) but not locked.
  private static final String LOCK = """
      SELECT t.family_id, t.user_id, t.used_at, t.revoked_at, t.expires_at <= now() AS expired, u.role, u.status,
             t.used_at > now() - make_interval(secs => $2) AS in_grace
      FROM refresh_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1
      FOR UPDATE OF t""";
  private static final String SPEND_AND_ISSUE = """
      WITH spent AS (UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1)
      INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES ($2, $3, $4, $5)""";
  // The successor was issued in the spending transaction, at the same now(): whether it is still
  // the only token issued since, and unspent. A statement of its own, after LOCK: its snapshot
  // sees a spending that committed while LOCK waited (LOCK's own snapshot predates it).
  private static final String SUCCESSORS = """
      SELECT count(*) AS issued, count(*) FILTER (WHERE used_at IS NULL AND revoked_at IS NULL) AS live
      FROM refresh_tokens WHERE family_id = $1 AND issued_at >= $2""";
  // Never issued "before" the spending it follows: this transaction's now() may be older than the
  // rotation's, when it began before that one committed and waited for the lock.
  private static final String ISSUE_SIBLING = """
      INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at, issued_at)
      VALUES ($1, $2, $3, $4, greatest(clock_timestamp(), $5))""";
  private static final String REVOKE_FAMILY =
      "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL";
  private static final String REVOKE_OWN_FAMILY = """
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND user_id = $2)
        AND revoked_at IS NULL""";

  /** What one rotation transaction decided; {@code reusedFamily} is set when it revoked a family. */
  private record Outcome(RotatedRefreshToken rotated, UUID reusedFamily, UUID userId, int revoked) {
    static final Outcome REFUSED = new Outcome(null, null, null, 0);
  }

  private final Pool pool;
  private final SecureRandom random = new SecureRandom();

  RefreshTokenStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, IssueRefreshToken.ENDPOINT, this::issue),
        Rows.serve(vertx, RotateRefreshToken.ENDPOINT, this::rotate),
        Rows.serve(vertx, RevokeRefreshTokens.ENDPOINT, this::revoke)).mapEmpty();
  }

  Future<RefreshToken> issue(IssueRefreshToken request) {
    String token = newToken();
    OffsetDateTime expires = expiry();
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(hash(token), UUID.randomUUID(), Rows.id(request.userId(), "user"), expires))
        .map(done -> {
          if (done.rowCount() == 0) {
            throw BusError.NOT_FOUND.exception("user not found");
          }
          return new RefreshToken(token, expires.toInstant().toString());
        })
        .recover(failure -> Rows.isSqlState(failure, Rows.FOREIGN_KEY_VIOLATION)
            ? Future.failedFuture(BusError.NOT_FOUND.exception("user not found"))
            : Future.failedFuture(failure));
  }

  /** Spends the token and issues its successor in one transaction, or refuses (and on reuse revokes). */
  Future<RotatedRefreshToken> rotate(RotateRefreshToken request) {
    Buffer presented = hash(request.token());
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(presented, GRACE_SECONDS))
            .compose(rows -> rows.size() == 0
                ? Future.succeededFuture(Outcome.REFUSED)
                : decide(conn, presented, rows.iterator().next())))
        .compose(outcome -> {
          if (outcome.reusedFamily() != null) {
            LOG.warn("refresh token reused: family " + outcome.reusedFamily() + " of user " + outcome.userId()
                + " revoked (" + outcome.revoked() + " tokens were not revoked yet)");
          }
          return outcome.rotated() != null
              ? Future.succeededFuture(outcome.rotated())
              : Future.failedFuture(BusError.UNAUTHORIZED.exception(INVALID));
        });
  }

  private Future<Outcome> decide(SqlConnection conn, Buffer presented, Row token) {
    UUID family = token.getUUID("family_id");
    UUID userId = token.getUUID("user_id");
    boolean usable = token.getValue("revoked_at") == null && !token.getBoolean("expired")
        && !"disabled".equals(token.getString("status"));
    if (token.getValue("used_at") != null && usable && token.getBoolean("in_grace")) {
      return conn.preparedQuery(SUCCESSORS).execute(Tuple.of(family, token.getOffsetDateTime("used_at")))
          .compose(rows -> {
            Row successors = rows.iterator().next();
            return successors.getLong("issued") == 1 && successors.getLong("live") == 1
                ? sibling(conn, family, userId, token.getString("role"), token.getOffsetDateTime("used_at"))
                : revokeFamily(conn, family, userId);
          });
    }
    if (token.getValue("used_at") != null) {
      return revokeFamily(conn, family, userId);
    }
    if (!usable) {
      return Future.succeededFuture(Outcome.REFUSED);
    }
    String next = newToken();
    OffsetDateTime expires = expiry();
    return conn.preparedQuery(SPEND_AND_ISSUE).execute(Tuple.of(presented, hash(next), family, userId, expires))
        .map(done -> new Outcome(new RotatedRefreshToken(userId.toString(), token.getString("role"), next,
            expires.toInstant().toString()), null, userId, 0));
  }

  /** Two tabs: a second live token in the family, nothing spent. */
  private Future<Outcome> sibling(SqlConnection conn, UUID family, UUID userId, String role, OffsetDateTime spentAt) {
    String sibling = newToken();
    OffsetDateTime expires = expiry();
    LOG.info("refresh token of family " + family + " presented again within " + GRACE_SECONDS
        + " s of its rotation: a second token for the same user (two tabs), not a reuse");
    return conn.preparedQuery(ISSUE_SIBLING).execute(Tuple.of(hash(sibling), family, userId, expires, spentAt))
        .map(done -> new Outcome(new RotatedRefreshToken(userId.toString(), role, sibling,
            expires.toInstant().toString()), null, userId, 0));
  }

  /** The refusal must commit with the revocation, so it is an outcome, not a failed future. */
  private Future<Outcome> revokeFamily(SqlConnection conn, UUID family, UUID userId) {
    return conn.preparedQuery(REVOKE_FAMILY).execute(Tuple.of(family))
        .map(revoked -> new Outcome(null, family, userId, revoked.rowCount()));
  }

  /** Logout. Saying nothing about whose token it was: a stranger's token is silently left alone. */
  Future<Done> revoke(RevokeRefreshTokens request) {
    return pool.preparedQuery(REVOKE_OWN_FAMILY)
        .execute(Tuple.of(hash(request.token()), Rows.id(request.userId(), "user")))
        .map(done -> Done.INSTANCE);
  }

  private String newToken() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  private static OffsetDateTime expiry() {
    return OffsetDateTime.now(ZoneOffset.UTC).plus(LIFETIME);
  }

  private static Buffer hash(String token) {
    return Buffer.buffer(sha256(token == null ? "" : token));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
