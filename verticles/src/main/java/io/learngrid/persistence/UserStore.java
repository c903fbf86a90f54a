package io.learngrid.persistence;

import io.learngrid.bus.BusError;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.accounts.Credentials;
import io.learngrid.bus.accounts.FindCredentials;
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
      RETURNING id, email, display_name, role, created_at""";
  private static final String BY_ID = "SELECT id, email, display_name, role, created_at FROM users WHERE id = $1";
  private static final String CREDENTIALS = "SELECT id, role, password_hash FROM users WHERE email = $1";

  private final Pool pool;

  UserStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> serve(Vertx vertx) {
    return Future.all(
        Rows.serve(vertx, CreateUser.ENDPOINT, this::create),
        Rows.serve(vertx, GetUser.ENDPOINT, this::get),
        Rows.serve(vertx, FindCredentials.ENDPOINT, this::credentials)).mapEmpty();
  }

  Future<User> create(CreateUser user) {
    if (user.email() == null || user.passwordHash() == null || user.displayName() == null || user.role() == null) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception(
          "an account needs email, passwordHash, displayName and role"));
    }
    return Idempotent.create(pool, user.createdBy(), user.idempotency(), created -> 201, User.class, conn -> conn.preparedQuery(INSERT)
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
        .compose(rows -> Rows.one(rows,
            row -> new Credentials(row.getUUID("id").toString(), row.getString("role"), row.getString("password_hash")),
            "no such account"));
  }

  private static User user(Row row) {
    return new User(row.getUUID("id").toString(), row.getString("email"), row.getString("display_name"),
        row.getString("role"), Rows.timestamp(row, "created_at"));
  }
}
