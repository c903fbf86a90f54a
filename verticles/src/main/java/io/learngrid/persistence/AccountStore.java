package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.Done;
import io.learngrid.bus.accounts.ChangePassword;
import io.learngrid.bus.accounts.ConfirmPasswordReset;
import io.learngrid.bus.accounts.EraseUser;
import io.learngrid.bus.accounts.ListUsers;
import io.learngrid.bus.accounts.RequestPasswordReset;
import io.learngrid.bus.accounts.Revocation;
import io.learngrid.bus.accounts.UpdateUser;
import io.learngrid.bus.accounts.UpdatedUser;
import io.learngrid.bus.accounts.User;
import io.learngrid.bus.accounts.UserList;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Accounts after creation (API v1.1): profile and admin changes, password change and reset, the
 * admin list, GDPR erasure. Every change that must refuse older access tokens sets
 * {@code users.tokens_valid_after} (clock_timestamp(): the instant of the statement, not of the
 * transaction's start) and revokes the refresh tokens in the same statement.
 */
final class AccountStore {

  static final int RESET_MINUTES = 30;
  private static final String COLUMNS = "id, email, display_name, role, status, created_at";
  private static final String REVOKE_REFRESH =
      "revoked AS (UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL";

  // tokens_valid_after >= statement_timestamp() tells whether this statement set it.
  private static final String UPDATE = "WITH " + REVOKE_REFRESH + " AND $5::text = 'disabled') "
      + """
      UPDATE users SET display_name = coalesce($2, display_name), email = coalesce($3, email),
        role = coalesce($4, role), status = coalesce($5::text, status),
        tokens_valid_after = CASE WHEN $5::text = 'disabled' OR $4::text <> role THEN clock_timestamp()
                                  ELSE tokens_valid_after END
      WHERE id = $1 AND erased_at IS NULL
      RETURNING id, email, display_name, role, status, created_at, tokens_valid_after,
        coalesce(tokens_valid_after >= statement_timestamp(), false) AS revoked""";
  private static final String CHANGE_PASSWORD = "WITH " + REVOKE_REFRESH + ") " + """
      UPDATE users SET password_hash = $2, tokens_valid_after = clock_timestamp()
      WHERE id = $1 AND erased_at IS NULL RETURNING tokens_valid_after""";
  // One statement whether or not the email is known: the same index lookup, 0 or 1 rows inserted,
  // so the request's time does not tell the two apart (the token is generated either way).
  private static final String CREATE_RESET = """
      WITH account AS (
        SELECT id, email, display_name FROM users WHERE email = $2 AND status = 'active' AND erased_at IS NULL),
      token AS (
        INSERT INTO password_reset_tokens (token_hash, user_id, expires_at)
        SELECT $1, id, now() + make_interval(mins => $3) FROM account)
      SELECT id AS user_id, email, display_name FROM account""";
  // The row lock makes a concurrent second confirm wait, then find used_at set: single use.
  private static final String SPEND_RESET = """
      UPDATE password_reset_tokens SET used_at = now()
      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id""";
  private static final String SPEND_OTHER_RESETS =
      "UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL";
  private static final String PAGE = "SELECT " + COLUMNS + """
       FROM users
      WHERE erased_at IS NULL AND id > $1
        AND ($2::text IS NULL OR email LIKE $2 OR lower(display_name) LIKE $2)
        AND ($3::text IS NULL OR role = $3) AND ($4::text IS NULL OR status = $4)
      ORDER BY id LIMIT $5""";
  // Erasure keeps the row (its id is what answer events, aggregates, enrollments and courses refer
  // to) and overwrites what names a person. Stored replies of Idempotency-Keys hold the email too.
  private static final String ERASE = "WITH " + REVOKE_REFRESH + "), " + """
      resets AS (DELETE FROM password_reset_tokens WHERE user_id = $1),
      replies AS (DELETE FROM idempotency_keys WHERE response->>'id' = $1::text)
      UPDATE users SET email = 'erased-' || id || '@erased.invalid', display_name = 'Erased user',
        password_hash = '', status = 'disabled', erased_at = now(), tokens_valid_after = clock_timestamp()
      WHERE id = $1 AND erased_at IS NULL RETURNING tokens_valid_after""";
  // Taken first by every change that revokes, in its own statement: a login storing its refresh
  // token (FOR SHARE, RefreshTokenStore) finishes before, so the next statement's snapshot sees and
  // revokes that token, or it waits and then finds the account disabled.
  private static final String LOCK_USER = "SELECT id FROM users WHERE id = $1 FOR UPDATE";
  private static final UUID FIRST = new UUID(0, 0);

  // Ahead of the kind's other jobs (job-finished notices, set-password mail of a large roster).
  private static final int RESET_EMAIL_PRIORITY_BOOST = 10;

  private final Pool pool;
  private final LearngridConfig.Jobs jobs;
  private final SecureRandom random = new SecureRandom();
  private Vertx vertx;

  AccountStore(Pool pool, LearngridConfig.Jobs jobs) {
    this.pool = pool;
    this.jobs = jobs;
  }

  Future<Void> serve(Vertx vertx) {
    this.vertx = vertx;
    return Future.all(List.of(
        Rows.serve(vertx, UpdateUser.ENDPOINT, this::update),
        Rows.serve(vertx, ChangePassword.ENDPOINT, this::changePassword),
        Rows.serve(vertx, RequestPasswordReset.ENDPOINT, this::requestReset),
        Rows.serve(vertx, ConfirmPasswordReset.ENDPOINT, this::confirmReset),
        Rows.serve(vertx, ListUsers.ENDPOINT, this::list),
        Rows.serve(vertx, EraseUser.ENDPOINT, this::erase))).mapEmpty();
  }

  Future<UpdatedUser> update(UpdateUser request) {
    UUID id = Rows.id(request.userId(), "user");
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_USER).execute(Tuple.of(id))
            .compose(locked -> conn.preparedQuery(UPDATE)
                .execute(Tuple.of(id, request.displayName(), request.email(), request.role(), request.status()))))
        .compose(rows -> Rows.one(rows, row -> new UpdatedUser(UserStore.user(row), row.getBoolean("revoked")
            ? Revocation.user(id.toString(), Rows.timestamp(row, "tokens_valid_after")) : null), "user not found"))
        .recover(failure -> Rows.isSqlState(failure, Rows.UNIQUE_VIOLATION)
            ? Future.failedFuture(BusError.CONFLICT.exception("an account with this email already exists"))
            : Future.failedFuture(failure));
  }

  Future<Revocation> changePassword(ChangePassword request) {
    if (request.passwordHash() == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a password change needs passwordHash"));
    }
    UUID id = Rows.id(request.userId(), "user");
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_USER).execute(Tuple.of(id))
            .compose(locked -> conn.preparedQuery(CHANGE_PASSWORD).execute(Tuple.of(id, request.passwordHash()))))
        .compose(rows -> revocation(rows, id));
  }

  /**
   * One transaction: the token row and the email job that carries the raw token, so neither exists
   * without the other; the runners hear of the job once it committed. The raw token is never
   * replied, and leaves the job's row when the job ends.
   */
  Future<Done> requestReset(RequestPasswordReset request) {
    String token = newToken();
    Buffer hash = Buffer.buffer(RefreshTokenStore.sha256(token));
    String email = request.email() == null ? "" : request.email();
    return pool.withTransaction(conn -> createReset(conn, hash, email)
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
                // Known emails only: one more INSERT (about a millisecond in the same round of the
                // transaction) is the one difference from an unknown email. Sending, which takes
                // far longer, happens in the job, off the request.
                : JobStore.enqueue(conn, jobs, rows.iterator().next().getUUID("user_id"), JobKinds.EMAIL,
                    resetEmail(rows.iterator().next(), token), RESET_EMAIL_PRIORITY_BOOST).map(true)))
        .map(queued -> {
          if (queued) {
            JobStore.announce(vertx, JobKinds.EMAIL);
          }
          return Done.INSTANCE;
        });
  }

  private static Future<RowSet<Row>> createReset(SqlConnection conn, Buffer hash, String email) {
    return conn.preparedQuery(CREATE_RESET).execute(Tuple.of(hash, email, RESET_MINUTES));
  }

  /** The agreed email job input: the raw token under {@code secrets}, which the row loses when the job ends. */
  private static JsonObject resetEmail(Row user, String token) {
    return new JsonObject()
        .put("to", user.getString("email"))
        .put("template", "password-reset")
        .put("vars", new JsonObject().put("displayName", user.getString("display_name"))
            .put("validMinutes", RESET_MINUTES))
        .put("secrets", new JsonObject().put("token", token));
  }

  Future<Revocation> confirmReset(ConfirmPasswordReset request) {
    if (request.passwordHash() == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a reset needs passwordHash"));
    }
    Buffer hash = Buffer.buffer(RefreshTokenStore.sha256(request.token() == null ? "" : request.token()));
    return pool.withTransaction(conn -> conn.preparedQuery(SPEND_RESET).execute(Tuple.of(hash))
        .compose(spent -> {
          if (spent.size() == 0) {
            return Future.failedFuture(BusError.BAD_REQUEST.exception("the reset token is unknown, used or expired"));
          }
          UUID id = spent.iterator().next().getUUID("user_id");
          return conn.preparedQuery(LOCK_USER).execute(Tuple.of(id))
              .compose(locked -> conn.preparedQuery(SPEND_OTHER_RESETS).execute(Tuple.of(id)))
              .compose(others -> conn.preparedQuery(CHANGE_PASSWORD).execute(Tuple.of(id, request.passwordHash())))
              .compose(rows -> rows.size() == 0
                  ? Future.failedFuture(BusError.BAD_REQUEST.exception("the reset token is unknown, used or expired"))
                  : revocation(rows, id));
        }));
  }

  Future<UserList> list(ListUsers request) {
    UUID after = request.afterId() == null ? FIRST : Rows.id(request.afterId(), "cursor");
    String prefix = request.q() == null ? null : likePrefix(request.q());
    return pool.preparedQuery(PAGE)
        .execute(Tuple.of(after, prefix, request.role(), request.status(), request.limit()))
        .map(rows -> {
          List<User> items = new ArrayList<>(rows.size());
          rows.forEach(row -> items.add(UserStore.user(row)));
          return new UserList(items);
        });
  }

  Future<Revocation> erase(EraseUser request) {
    UUID id = Rows.id(request.userId(), "user");
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_USER).execute(Tuple.of(id))
            .compose(locked -> conn.preparedQuery(ERASE).execute(Tuple.of(id))))
        .compose(rows -> revocation(rows, id));
  }

  private static Future<Revocation> revocation(RowSet<Row> rows, UUID id) {
    return Rows.one(rows, row -> Revocation.user(id.toString(), Rows.timestamp(row, "tokens_valid_after")),
        "user not found");
  }

  /** Emails are stored lower-cased; names are matched lower-cased. LIKE's wildcards are escaped. */
  private static String likePrefix(String q) {
    String lower = q.toLowerCase(Locale.ROOT);
    return lower.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  private String newToken() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }
}
