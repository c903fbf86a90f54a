package io.learngrid.persistence;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway on a worker thread (it speaks JDBC). Flyway takes a PostgreSQL advisory lock around the
 * migration, so nodes that start together migrate once and the others wait, then find nothing to do.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static Future<Integer> run(Vertx vertx, PgConnectOptions db) {
    String jdbcUrl = "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase()
        + "?sslmode=" + db.getSslMode().value;
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
