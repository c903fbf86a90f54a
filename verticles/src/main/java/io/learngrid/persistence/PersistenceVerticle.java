package io.learngrid.persistence;

import io.learngrid.bus.Bus;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.config.LearngridConfig;
import io.learngrid.security.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * The persistence role: owns the PostgreSQL pool and migrations, and serves the stores' bus
 * addresses. Nothing else in a node talks to PostgreSQL.
 */
public final class PersistenceVerticle extends VerticleBase {

  private final LearngridConfig config;
  private Pool pool;
  private Pool replica;

  public PersistenceVerticle(LearngridConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    LearngridConfig.Postgres pg = config.postgres();
    PgConnectOptions connect = connectOptions(pg.url());
    pool = pool("learngrid-pg", connect, pg);
    // Lists and other reads that tolerate replication lag go to the replica when there is one.
    // Single-entity reads stay on the primary: they often follow a write (read your own writes).
    replica = pg.replicaUrl() == null ? null : pool("learngrid-pg-replica", connectOptions(pg.replicaUrl()), pg);
    Pool reads = replica == null ? pool : replica;
    PasswordHasher hasher = new PasswordHasher(vertx, config.auth().bcryptCost());
    return Migrations.run(vertx, connect)
        .compose(applied -> AdminBootstrap.ensure(pool, hasher, config.auth().adminEmail(),
            config.auth().adminPassword()))
        .onSuccess(ready -> {
          new UserStore(pool).serve(vertx);
          new CourseStore(pool, reads).serve(vertx);
          new RefreshTokenStore(pool).serve(vertx);
          new EnrollmentStore(pool, reads).serve(vertx);
          new AssignmentStore(pool, reads).serve(vertx);
          Bus.serve(vertx, Ping.PERSISTENCE, Ping.class, ping -> pool.query("SELECT 1").execute()
              .map(rows -> Pong.up())
              .otherwise(failure -> Pong.down(failure.getClass().getSimpleName())));
        });
  }

  private static PgConnectOptions connectOptions(String url) {
    return PgConnectOptions.fromUri(url)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
  }

  private Pool pool(String name, PgConnectOptions connect, LearngridConfig.Postgres pg) {
    return PgBuilder.pool()
        .with(new PoolOptions()
            .setName(name)
            .setMaxSize(pg.poolSize())
            .setIdleTimeout(pg.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setMaxWaitQueueSize(pg.maxWaitQueue())
            .setConnectionTimeout((int) pg.connectTimeoutMillis())
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout((int) pg.connectTimeoutMillis()))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  @Override
  public Future<?> stop() {
    Future<Void> replicaClosed = replica == null ? Future.succeededFuture() : replica.close();
    Future<Void> primaryClosed = pool == null ? Future.succeededFuture() : pool.close();
    return Future.join(replicaClosed, primaryClosed);
  }
}
