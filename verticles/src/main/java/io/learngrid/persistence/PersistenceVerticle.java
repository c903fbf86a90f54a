package io.learngrid.persistence;

import io.learngrid.bus.Bus;
import io.learngrid.bus.HealthQuery;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.bus.jobs.JobKinds;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.UnreachableService;
import io.learngrid.jobs.JobRunner;
import io.learngrid.security.PasswordHasher;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistence role: owns the PostgreSQL pools and migrations, and serves the stores' bus
 * addresses. Nothing else in a node talks to PostgreSQL.
 */
public final class PersistenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PersistenceVerticle.class);
  private static final long UPKEEP_MILLIS = 60 * 60 * 1000;
  // How soon an open regrade is noticed; the API promises regraded progress within 10 s.
  private static final long REGRADE_INTERVAL_MILLIS = 250;

  private final LearngridConfig config;
  private final MeterRegistry registry;
  private final String nodeId;
  private Pool pool;
  private Pool replica;
  private AnswerAggregator aggregator;
  private Regrader regrader;

  /** {@code nodeId} names the pools' connections (application_name), so operators can tell nodes apart. */
  public PersistenceVerticle(LearngridConfig config, MeterRegistry registry, String nodeId) {
    this.config = config;
    this.registry = registry;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    LearngridConfig.Postgres pg = config.postgres();
    PgConnectOptions connect = connectOptions(pg.url(), pg.ca());
    pool = pool("learngrid-pg", connect, pg, pg.poolSize());
    // Lists and other reads that tolerate replication lag go to the replica when there is one.
    // Single-entity reads stay on the primary: they often follow a write (read your own writes).
    replica = pg.replicaUrl() == null ? null
        : pool("learngrid-pg-replica", connectOptions(pg.replicaUrl(), pg.ca()), pg, pg.replicaPoolSize());
    Pool reads = replica == null ? pool : replica;
    PasswordHasher hasher = new PasswordHasher(vertx, config.auth());
    LearngridConfig.Answers answers = config.answers();
    AnswerPartitions partitions = new AnswerPartitions(pool, answers.retentionDays());
    CourseEvents courseEvents = new CourseEvents(vertx, pool, config.jobs());
    return reachable(connect)
        .compose(up -> Migrations.run(vertx, connect, pg.ca()))
        .compose(applied -> AdminBootstrap.ensure(pool, hasher, config.auth().adminEmail(),
            config.auth().adminPassword()))
        .compose(admin -> maintain(partitions))
        .compose(maintained -> {
          aggregator = new AnswerAggregator(vertx, pool, courseEvents, answers.aggregatorBatchSize(),
              answers.aggregatorIntervalMillis(), registry);
          return aggregator.start();
        })
        .compose(ready -> {
          AnswerBatches batches = new AnswerBatches(vertx, pool, courseEvents, answers.batchMaxSize(), answers.maxConcurrentBatches(),
              answers.queueWaitMillis(), registry);
          PersistenceHealth health = new PersistenceHealth(nodeId, registry, pg.poolSize(), replica,
              pg.replicaPoolSize(), aggregator, batches);
          List<Future<Void>> served = List.of(
              new UserStore(pool).serve(vertx),
              new CourseStore(pool, reads).serve(vertx),
              new RefreshTokenStore(pool).serve(vertx),
              new EnrollmentStore(pool, reads, courseEvents).serve(vertx),
              courseEvents.serve(),
              new AssignmentStore(pool, reads).serve(vertx),
              new AnswerStore(pool, batches, answers.questionCacheSize(), answers.enrollmentCacheSize()).serve(vertx),
              new ProgressStore(pool, aggregator::watermark).serve(vertx),
              new AiUsageStore(pool).serve(vertx),
              new JobStore(pool, config.jobs(), registry).serve(vertx),
              new AccountStore(pool, config.jobs()).serve(vertx),
              new ExportStore(pool).serve(vertx),
              new RevocationStore(pool).serve(vertx),
              new WebhookStore(pool).serve(vertx),
              Bus.serve(vertx, HealthQuery.PERSISTENCE, query -> health.figures()).completion(),
              Bus.serve(vertx, Ping.PERSISTENCE, ping -> pool.query("SELECT 1").execute()
                  .map(rows -> Pong.up())
                  .otherwise(failure -> Pong.down(failure.getClass().getSimpleName()))).completion());
          regrader = new Regrader(vertx, pool, REGRADE_INTERVAL_MILLIS, registry);
          regrader.start();
          // Retention is not waited for: a first pass over a large backlog must not hold up the node.
          Retention retention = new Retention(pool, config.retention(), config.events().retentionHours(), registry);
          retention.run();
          vertx.setPeriodic(UPKEEP_MILLIS, id -> maintain(partitions).compose(v -> retention.run()));
          // The role is up once every address is registered (across the cluster, when clustered);
          // then its job runners start (deployed from here, they stop before the stores do).
          return Future.all(served).compose(up -> JobRunner.deploy(vertx, config, registry, nodeId, Map.of(
              JobKinds.ASSIGNMENTS, new AssignmentCopies(pool),
              JobKinds.ROSTER, new RosterImport(vertx, pool, config.jobs(), config.redis().busTimeoutMillis()),
              JobKinds.EXPORT, new CourseExports(pool, config.mail().publicUrl()),
              JobKinds.WEBHOOK, new WebhookDeliveries(vertx, pool, config.events(), registry))));
        });
  }

  /**
   * One query before the migrations: when PostgreSQL cannot be reached (or refuses the login), the
   * node stops with one line that names LEARNGRID_PG_URL, the address and the cause, instead of
   * Flyway's many-line report of the same JDBC failure.
   */
  private Future<Void> reachable(PgConnectOptions connect) {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().recover(failure -> Future.failedFuture(
        new UnreachableService(LearngridConfig.PG_URL, "PostgreSQL", connect.getHost() + ":" + connect.getPort(),
            refusedCertificate(connect, failure))));
  }

  /**
   * The driver reports a certificate it refused as "SSL handshake failed" and drops the reason, so
   * under verify-ca and verify-full the failure names what such a refusal means instead.
   */
  private static Throwable refusedCertificate(PgConnectOptions connect, Throwable failure) {
    SslMode mode = connect.getSslMode();
    if ((mode != SslMode.VERIFY_CA && mode != SslMode.VERIFY_FULL) || failure.getMessage() == null
        || !failure.getMessage().contains("SSL handshake failed")) {
      return failure;
    }
    return new SSLHandshakeException("the server's certificate is not signed by a CA in " + LearngridConfig.PG_CA_FILE
        + (mode == SslMode.VERIFY_FULL ? ", or does not name " + connect.getHost() : "") + " (sslmode=" + mode.value + ")");
  }

  /**
   * Partition upkeep never stops the node: without it, rows land in the DEFAULT partition and
   * are moved into their month's partition by the next run that succeeds.
   */
  private Future<Void> maintain(AnswerPartitions partitions) {
    return partitions.maintain().recover(failure -> {
      LOG.warn("answer_events partition upkeep failed (retried within the hour): "
          + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure);
      return Future.succeededFuture();
    });
  }

  private PgConnectOptions connectOptions(String url, LearngridConfig.TrustedCa ca) {
    PgConnectOptions options = PgConnectOptions.fromUri(url)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256)
        .addProperty("application_name", "learngrid " + nodeId);
    return options.setSslOptions(sslOptions(options.getSslMode(), ca));
  }

  /**
   * The URL's sslmode as the JDBC driver of the migrations reads it: allow, prefer and require
   * encrypt without checking the certificate (they guard against eavesdropping, not against an
   * impostor); verify-ca checks that the CA signed it, verify-full also that it names the URL's
   * host. LearngridConfig has made sure the CA is there for the last two.
   */
  static ClientSSLOptions sslOptions(SslMode mode, LearngridConfig.TrustedCa ca) {
    return switch (mode) {
      case VERIFY_CA, VERIFY_FULL -> new ClientSSLOptions()
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.pem())))
          .setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : "");
      case ALLOW, PREFER, REQUIRE -> new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("");
      case DISABLE -> new ClientSSLOptions();
    };
  }

  private Pool pool(String name, PgConnectOptions connect, LearngridConfig.Postgres pg, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions()
            .setName(name)
            .setMaxSize(size)
            // Connections are replaced after this long, idle or not: a PgBouncer or a managed
            // database's failover that silently dropped them, or server-side memory they grew,
            // is then shed within one lifetime. A connection is only retired between queries.
            .setMaxLifetime(pg.maxLifetimeSeconds())
            .setMaxLifetimeUnit(TimeUnit.SECONDS)
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
    if (aggregator != null) {
      aggregator.stop();
    }
    if (regrader != null) {
      regrader.stop();
    }
    // Requests being handled (an answer batch being committed) finish before the pools close.
    return Bus.drain(vertx, config.shutdown().timeoutMillis()).compose(drained -> {
      Future<Void> replicaClosed = replica == null ? Future.succeededFuture() : replica.close();
      Future<Void> primaryClosed = pool == null ? Future.succeededFuture() : pool.close();
      return Future.join(replicaClosed, primaryClosed);
    });
  }
}
