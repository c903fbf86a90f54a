package io.learngrid.persistence;

import io.learngrid.bus.RoleHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;

/**
 * The persistence role's figures for {@code GET /api/v1/admin/health}: its pools, the answers
 * waiting for a batch, the aggregator's lag, the job queues and the replica's lag. Pool and job
 * figures are read from this node's meters, which Vert.x and {@link JobStore} keep current, so
 * only the replica lag costs a query.
 */
final class PersistenceHealth {

  // NULL on a server that is not replaying (a primary named as the replica is a configuration
  // error the figure should show, not hide as 0).
  private static final String REPLICA_LAG = """
      SELECT CASE WHEN pg_is_in_recovery()
                  THEN EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END""";

  private final String nodeId;
  private final MeterRegistry registry;
  private final int poolSize;
  private final Pool replica;
  private final int replicaPoolSize;
  private final AnswerAggregator aggregator;
  private final AnswerBatches batches;

  PersistenceHealth(String nodeId, MeterRegistry registry, int poolSize, Pool replica, int replicaPoolSize,
                    AnswerAggregator aggregator, AnswerBatches batches) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.poolSize = poolSize;
    this.replica = replica;
    this.replicaPoolSize = replicaPoolSize;
    this.aggregator = aggregator;
    this.batches = batches;
  }

  Future<RoleHealth> figures() {
    JsonObject figures = new JsonObject()
        .put("pool", pool("learngrid-pg", poolSize))
        .put("answersQueued", batches.queued())
        .put("eventsPending", gauge("learngrid.events.pending", null))
        .put("aggregatorLagSeconds", aggregatorLag())
        .put("jobs", jobs());
    if (replica == null) {
      return Future.succeededFuture(new RoleHealth(nodeId, figures.putNull("replicaPool").putNull("replicaLagSeconds")));
    }
    figures.put("replicaPool", pool("learngrid-pg-replica", replicaPoolSize));
    return replica.query(REPLICA_LAG).execute()
        .map(rows -> {
          Number lag = rows.iterator().next().getNumeric(0);
          return lag == null ? null : lag.doubleValue();
        })
        .otherwise(failure -> null)
        .map(lag -> new RoleHealth(nodeId, figures.put("replicaLagSeconds", lag)));
  }

  private JsonObject pool(String name, int size) {
    return new JsonObject()
        .put("max", size)
        .put("inUse", gauge("vertx.pool.in.use", name))
        .put("waiting", gauge("vertx.pool.queue.pending", name));
  }

  private Long gauge(String meter, String poolName) {
    var search = registry.find(meter);
    if (poolName != null) {
      search = search.tag("pool_name", poolName);
    }
    Gauge gauge = search.gauge();
    return gauge == null || Double.isNaN(gauge.value()) ? null : Math.round(gauge.value());
  }

  /** Since when answers wait to be folded: the aggregator's watermark is the oldest pending one. */
  private Double aggregatorLag() {
    String watermark = aggregator.watermark();
    return watermark == null ? null
        : Math.max(0, Duration.between(Instant.parse(watermark), Instant.now()).toMillis() / 1000.0);
  }

  private JsonObject jobs() {
    JsonObject jobs = new JsonObject();
    for (Gauge queued : registry.find("learngrid.jobs.queued").gauges()) {
      String kind = queued.getId().getTag("kind");
      jobs.put(kind, new JsonObject()
          .put("queued", Math.round(queued.value()))
          .put("running", kindGauge("learngrid.jobs.running", kind))
          .put("oldestAgeSeconds", kindGauge("learngrid.jobs.oldest.age", kind)));
    }
    return jobs;
  }

  private Long kindGauge(String meter, String kind) {
    Gauge gauge = registry.find(meter).tag("kind", kind).gauge();
    return gauge == null ? null : Math.round(gauge.value());
  }
}
