package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.accounts.Credentials;
import io.learngrid.bus.accounts.FindCredentials;
import io.learngrid.bus.accounts.GetCredentials;
import io.learngrid.bus.accounts.GetUser;
import io.learngrid.bus.accounts.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** Accounts: the users table and the bus addresses that read and write it. */
final class UserStore {

  private static final String INSERT = """
      INSERT INTO users (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4)
      RETURNING id, email, display_name, role, status, created_at""";
  private static final String BY_ID =
      "SELECT id, email, display_name, role, status, created_at FROM users WHERE id = $1 AND erased_at IS NULL";
  // Erased accounts have no usable password (and no real email): they are never found.
  private static final String CREDENTIALS =
      "SELECT id, role, password_hash, status FROM users WHERE email = $1 AND erased_at IS NULL";
  private static final String CREDENTIALS_BY_ID =
      "SELECT id, role, password_hash, status FROM users WHERE id = $1 AND erased_at IS NULL";

  private static final String SELF_REGISTERED = "00000000-0000-0000-0000-000000000000";

  private final Pool pool;

  UserStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, CreateUser.ENDPOINT, this::create),
        Rows.serve(vertx, GetUser.ENDPOINT, this::get),
        Rows.serve(vertx, FindCredentials.ENDPOINT, this::credentials),
        Rows.serve(vertx, GetCredentials.ENDPOINT, this::credentialsOf)).mapEmpty();
  }

  Future<User> create(CreateUser user) {
    if (user.email() == null || user.passwordHash() == null || user.displayName() == null || user.role() == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception(
          "an account needs email, passwordHash, displayName and role"));
    }
    // A registration has no user yet: its Idempotency-Keys share one owner, the nil id (a key
    // replays only for a byte-identical request, so no one learns anything from another's key).
    String owner = user.createdBy() == null ? SELF_REGISTERED : user.createdBy();
    return Idempotent.create(pool, owner, user.idempotency(), created -> 201, User.class, conn -> conn.preparedQuery(INSERT)
            .execute(Tuple.of(user.email(), user.passwordHash(), user.displayName(), user.role()))
            .compose(rows -> Rows.one(rows, UserStore::user, "user not stored")))
        .recover(failure -> Rows.isSqlState(failure, Rows.UNIQUE_VIOLATION)
            ? Future.failedFuture(BusError.CONFLICT.exception("an account with this email already exists"))
            : Future.failedFuture(failure));
  }

  Future<User> get(GetUser request) {
    return pool.preparedQuery(BY_ID)
        .execute(Tuple.of(Rows.id(request.id(), "user")))
        .compose(rows -> Rows.one(rows, UserStore::user, "user not found"));
  }

  Future<Credentials> credentials(FindCredentials request) {
    return pool.preparedQuery(CREDENTIALS)
        .execute(Tuple.of(request.email()))
        .compose(rows -> Rows.one(rows, UserStore::credentials, "no such account"));
  }

  Future<Credentials> credentialsOf(GetCredentials request) {
    return pool.preparedQuery(CREDENTIALS_BY_ID)
        .execute(Tuple.of(Rows.id(request.userId(), "user")))
        .compose(rows -> Rows.one(rows, UserStore::credentials, "no such account"));
  }

  private static Credentials credentials(Row row) {
    return new Credentials(row.getUUID("id").toString(), row.getString("role"), row.getString("password_hash"),
        row.getString("status"));
  }

  static User user(Row row) {
    return new User(row.getUUID("id").toString(), row.getString("email"), row.getString("display_name"),
        row.getString("role"), row.getString("status"), Rows.timestamp(row, "created_at"));
  }
}
