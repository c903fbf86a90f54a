package io.learngrid.persistence;

import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.security.PasswordHasher;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the first admin from LEARNGRID_ADMIN_EMAIL/PASSWORD when no account has that email.
 * Safe when several nodes start at once: the insert ignores a conflict.
 */
final class AdminBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
  private static final String EXISTS = "SELECT 1 FROM users WHERE email = $1";
  private static final String INSERT = """
      INSERT INTO users (email, password_hash, display_name, role) VALUES ($1, $2, $3, $4)
      ON CONFLICT (email) DO NOTHING""";

  private AdminBootstrap() {}

  static Future<Void> ensure(Pool pool, PasswordHasher hasher, String email, String password) {
    if (email == null) {
      return Future.succeededFuture();
    }
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    return pool.preparedQuery(EXISTS).execute(Tuple.of(normalized)).compose(rows -> {
      if (rows.size() > 0) {
        return Future.succeededFuture();
      }
      return hasher.hash(password)
          .map(hash -> new CreateUser(normalized, hash, "Administrator", UserRole.ADMIN.wire(), null, null))
          .compose(admin -> pool.preparedQuery(INSERT)
              .execute(Tuple.of(admin.email(), admin.passwordHash(), admin.displayName(), admin.role())))
          .onSuccess(inserted -> {
            if (inserted.rowCount() > 0) {
              LOG.info("created the first admin account " + normalized);
            }
          })
          .mapEmpty();
    });
  }
}
