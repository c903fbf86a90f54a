package io.learngrid.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's entry in the cluster-wide map of nodes. Entries carry a TTL and are renewed
 * on a heartbeat, so a node that dies without saying so disappears within {@link #TTL_MILLIS}.
 */
public final class NodeRegistryVerticle extends VerticleBase {

  public static final String MAP = "learngrid.nodes";
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistryVerticle.class);
  static final long TTL_MILLIS = 15_000;
  private static final long HEARTBEAT_MILLIS = 5_000;

  private final NodeState node;
  private AsyncMap<String, JsonObject> nodes;
  private long heartbeat;

  public NodeRegistryVerticle(NodeState node) {
    this.node = node;
  }

  /** Every live node's entry, oldest first; works the same on a standalone node. */
  public static Future<List<JsonObject>> list(Vertx vertx) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP)
        .compose(AsyncMap::values)
        .map(values -> values.stream()
            .sorted(Comparator.comparing((JsonObject entry) -> entry.getString("startedAt"))
                .thenComparing(entry -> entry.getString("nodeId")))
            .toList());
  }

  @Override
  public Future<?> start() {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP)
        .compose(map -> {
          nodes = map;
          heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, tick -> publish()
              .onFailure(failure -> LOG.warn("node registry heartbeat failed: " + failure.getMessage())));
          return publish();
        });
  }

  /** Called again when the node becomes ready, so the map does not wait for the next heartbeat. */
  public Future<Void> publish() {
    JsonObject entry = new JsonObject()
        .put("nodeId", node.nodeId())
        .put("httpAddress", node.httpAddress())
        .put("roles", new JsonArray(node.roles()))
        .put("startedAt", node.startedAt().toString())
        .put("ready", node.ready());
    return nodes.put(node.nodeId(), entry, TTL_MILLIS);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(heartbeat);
    return nodes.remove(node.nodeId()).otherwiseEmpty();
  }
}
