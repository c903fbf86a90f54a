package io.learngrid.http.ops;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.Endpoint;
import io.learngrid.bus.HealthQuery;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.bus.RoleHealth;
import io.learngrid.cluster.NodeRegistryVerticle;
import io.learngrid.cluster.NodeState;
import io.learngrid.http.Caller;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;

/** Health, readiness, the contract and the cluster view. */
public final class OpsRoutes {

  private static final Buffer UP = new JsonObject().put("status", "UP").toBuffer();
  private static final long CHECK_TIMEOUT_MILLIS = 1_000;
  private static final long CLUSTER_READ_MILLIS = 2_000;
  /** The jar's Implementation-Version; {@code dev} when run from classes (tests, the IDE). */
  private static final String VERSION = Optional.ofNullable(OpsRoutes.class.getPackage().getImplementationVersion())
      .orElse("dev");

  private final Vertx vertx;
  private final BusClient checks;
  private final NodeState node;
  private final Buffer openApi;
  private final Map<String, Buffer> busSchemas;

  public OpsRoutes(Vertx vertx, NodeState node, Buffer openApi, Map<String, Buffer> busSchemas) {
    this.vertx = vertx;
    this.busSchemas = busSchemas;
    this.checks = new BusClient(vertx, CHECK_TIMEOUT_MILLIS);
    this.node = node;
    this.openApi = openApi;
  }

  public void health(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(UP);
  }

  /**
   * 503 only while starting, draining, or when PostgreSQL does not answer: a node without Redis
   * or the AI upstream still serves most requests, so it stays in the load balancer.
   */
  public void ready(RoutingContext ctx) {
    Future<String> postgres = check(Ping.PERSISTENCE);
    Future<String> redis = check(Ping.CACHE);
    Future<String> ai = check(Ping.AI);
    Future.join(postgres, redis, ai).onComplete(done -> {
      boolean ready = node.ready() && "UP".equals(postgres.result());
      JsonObject checks = new JsonObject()
          .put("postgres", postgres.result())
          .put("redis", redis.result())
          .put("cluster", node.clustered() ? "UP" : "STANDALONE")
          .put("ai", ai.result());
      ctx.response()
          .setStatusCode(ready ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("status", ready ? "UP" : "DOWN").put("checks", checks).toBuffer());
    });
  }

  private Future<String> check(Endpoint<Ping, Pong> role) {
    return checks.request(role, new Ping())
        .map(Pong::status)
        .otherwise("DOWN");
  }

  /**
   * Admin: readiness in detail. Each role's figures come from one node that serves it (the one
   * the bus picks, this node's own when it runs the role), each within the checks' 1 s: a role
   * that does not answer is DOWN with the reason, and the others still show.
   */
  public void detailedHealth(RoutingContext ctx) {
    Caller.of(ctx).requireRole(EnumSet.of(UserRole.ADMIN));
    Future<JsonObject> persistence = figures(HealthQuery.PERSISTENCE);
    Future<JsonObject> cache = figures(HealthQuery.CACHE);
    Future<JsonObject> ai = figures(HealthQuery.AI);
    Replies.json(ctx, 200, Future.join(persistence, cache, ai).transform(done -> Future.succeededFuture(new JsonObject()
        .put("node", new JsonObject()
            .put("nodeId", node.nodeId())
            .put("version", VERSION)
            .put("roles", new JsonArray(node.roles()))
            .put("startedAt", node.startedAt().toString())
            .put("ready", node.ready())
            .put("clustered", node.clustered()))
        .put("persistence", persistence.result())
        .put("cache", cache.result())
        .put("ai", ai.result()))));
  }

  private Future<JsonObject> figures(Endpoint<HealthQuery, RoleHealth> role) {
    return checks.request(role, new HealthQuery())
        .map(health -> new JsonObject().put("status", "UP").put("nodeId", health.nodeId()).mergeIn(health.figures()))
        .otherwise(failure -> new JsonObject().put("status", "DOWN").put("detail",
            failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
                ? "no node runs this role"
                : "no answer within " + CHECK_TIMEOUT_MILLIS / 1000 + " s"));
  }

  public void openApi(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(openApi);
  }

  /** {@code /event-bus/schemas/learngrid.jobs.claim.json}: a bridgeable message's JSON Schema. */
  public void busSchema(RoutingContext ctx) {
    String file = ctx.pathParam("file");
    Buffer schema = file.endsWith(".json") ? busSchemas.get(file.substring(0, file.length() - ".json".length())) : null;
    if (schema == null) {
      throw new ProblemException(404, "no schema of that name; there is one per bridgeable address: "
          + String.join(", ", busSchemas.keySet().stream().sorted().map(address -> address + ".json").toList()));
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/schema+json").end(schema);
  }

  public void cluster(RoutingContext ctx) {
    Caller.of(ctx).requireRole(EnumSet.of(UserRole.ADMIN));
    // Bounded: with a member frozen (a pause, a partition) Hazelcast waits for it far longer.
    Replies.json(ctx, 200, NodeRegistryVerticle.list(vertx)
        .timeout(CLUSTER_READ_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(ProblemException.unavailable("the cluster map did not answer within "
            + CLUSTER_READ_MILLIS / 1000 + " s (a member may be paused or cut off)", 2)))
        .map(nodes -> new JsonObject().put("self", node.nodeId()).put("nodes", new JsonArray(nodes))));
  }
}
