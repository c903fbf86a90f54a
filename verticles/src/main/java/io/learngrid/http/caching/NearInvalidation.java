package io.learngrid.http.caching;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusClient;
import io.learngrid.bus.Done;
import io.learngrid.bus.cache.NearInvalidate;
import io.learngrid.cluster.NodeRegistryVerticle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops entries from the near cache of every http node before a write is acknowledged. Each http
 * node serves its own address ({@link NearInvalidate#endpoint}); a writer drops its own entries at
 * once and asks every other http node in the node registry, waiting for their answers up to the
 * bus timeout of the cache. A node that does not answer in time (overloaded, partitioned, just
 * gone) is counted and logged; it may serve its old entry until the near-cache TTL ends it.
 */
public final class NearInvalidation {

  private static final Logger LOG = LoggerFactory.getLogger(NearInvalidation.class);

  private final NearCache near;
  private final String nodeId;
  private final Vertx vertx;
  private final BusClient peers;
  private final Counter unanswered;

  public NearInvalidation(Vertx vertx, NearCache near, String nodeId, long timeoutMillis, MeterRegistry registry) {
    this.near = near;
    this.nodeId = nodeId;
    this.vertx = vertx;
    this.peers = new BusClient(vertx, timeoutMillis);
    this.unanswered = Counter.builder("learngrid.cache.near.invalidations.unanswered")
        .description("Near-cache invalidations another http node did not confirm in time")
        .register(registry);
  }

  /** Serves this node's address; the future completes once the cluster knows the consumer. */
  public Future<Void> serve() {
    return Bus.serve(vertx, NearInvalidate.endpoint(nodeId), request -> {
          dropHere(request);
          return Future.succeededFuture(Done.INSTANCE);
        })
        .completion();
  }

  Future<Void> keys(List<String> keys) {
    return everywhere(new NearInvalidate(keys, List.of()));
  }

  public Future<Void> prefixes(List<String> prefixes) {
    return everywhere(new NearInvalidate(List.of(), prefixes));
  }

  private Future<Void> everywhere(NearInvalidate request) {
    dropHere(request);
    return NodeRegistryVerticle.list(vertx)
        .compose(nodes -> {
          List<Future<Done>> answers = new ArrayList<>();
          for (JsonObject node : nodes) {
            String id = node.getString("nodeId");
            if (!nodeId.equals(id) && node.getJsonArray("roles", new JsonArray()).contains("http")) {
              answers.add(peers.request(NearInvalidate.endpoint(id), request)
                  .onFailure(failure -> {
                    unanswered.increment();
                    LOG.warn("near-cache invalidation not confirmed by node " + id + ": " + failure.getMessage());
                  }));
            }
          }
          return Future.join(answers).<Void>mapEmpty();
        })
        .otherwise(failure -> null);
  }

  private void dropHere(NearInvalidate request) {
    if (request.keys() != null && !request.keys().isEmpty()) {
      near.invalidate(request.keys());
    }
    if (request.prefixes() != null && !request.prefixes().isEmpty()) {
      near.invalidatePrefixes(request.prefixes());
    }
  }
}
