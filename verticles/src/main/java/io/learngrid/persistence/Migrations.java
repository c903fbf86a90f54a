package io.learngrid.persistence;

import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway on a worker thread (it speaks JDBC). Flyway takes a PostgreSQL advisory lock around the
 * migration, so nodes that start together migrate once and the others wait, then find nothing to do.
 *
 * <p>The versions in {@code db/migration} go V1, V2, V4, V5, …: no V3 has ever been committed (the
 * history shows V4__answers.sql, the pending_events vacuum settings, as the next migration after
 * V2). Flyway only needs versions to be unique and ascending, and deployed databases record V4 in
 * {@code flyway_schema_history}, so the numbers stay. Never add a V3 now: Flyway would refuse a
 * pending version below the applied ones. This note is here, not in V4 itself, because Flyway
 * checksums every line of an applied script, comments included: editing V4 would fail validation
 * on every deployed database. For the same reason a new migration takes the next version above
 * the highest one committed, never a gap below it (V41__jobs.sql was first written as V20, below
 * the V40 that databases of the previous release have applied, and Flyway refused it there).
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** {@code ca}: the CA file that sslmode=verify-ca and verify-full check against; null when not set. */
  static Future<Integer> run(Vertx vertx, PgConnectOptions db, LearngridConfig.TrustedCa ca) {
    // The same sslmode as the pools, so that the migrations are no way around it.
    String jdbcUrl = "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase()
        + "?sslmode=" + db.getSslMode().value
        + (ca == null ? "" : "&sslrootcert=" + URLEncoder.encode(ca.file(), StandardCharsets.UTF_8));
    return vertx.executeBlocking(() -> {
      var result = Flyway.configure(Migrations.class.getClassLoader())
          .dataSource(jdbcUrl, db.getUser(), db.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info("database schema at version " + result.targetSchemaVersion + " (" + result.migrationsExecuted
          + " migrations applied now)");
      return result.migrationsExecuted;
    }, false);
  }
}
