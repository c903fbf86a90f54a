package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.HealthQuery;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.bus.RoleHealth;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The cache role on Redis over the bus, in three jobs sharing one client ({@link CacheRedis}):
 * cache-aside {@link CacheEntries}, expiring {@link Counters} and {@link RateBudgets}. One verticle,
 * so {@code --roles cache} deploys all of it, its ping answers for the whole role, and its stop()
 * drains every cache address before the client closes.
 */
public final class CacheVerticle extends VerticleBase {

  private final LearngridConfig.Redis settings;
  private final long drainMillis;
  private final String nodeId;
  private CacheRedis redis;

  public CacheVerticle(LearngridConfig config, String nodeId) {
    this.settings = config.redis();
    this.nodeId = nodeId;
    this.drainMillis = config.shutdown().timeoutMillis();
  }

  @Override
  public Future<?> start() {
    redis = new CacheRedis(vertx, settings);
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    consumers.addAll(new CacheEntries(redis).serve(vertx));
    consumers.addAll(new Counters(redis).serve(vertx));
    consumers.addAll(new RateBudgets(redis).serve(vertx));
    consumers.addAll(new AiBudgets(redis).serve(vertx));
    consumers.add(Bus.serve(vertx, Ping.CACHE, ping -> redis.deadline(redis.api().ping(List.of()))
        .map(pong -> Pong.up())
        .otherwise(failure -> Pong.down(failure.getClass().getSimpleName()))));
    consumers.add(Bus.serve(vertx, HealthQuery.CACHE, query -> redis.deadline(redis.api().info(List.of()))
        .map(info -> RedisInfo.figures(info.toString()))
        // Redis away is a figure too: the node's readiness says so, the figures say since when it is not known.
        .otherwise(failure -> new JsonObject().put("reachable", false))
        .map(figures -> new RoleHealth(nodeId, figures))));
    // Redis may be down at start: the node still starts and serves from PostgreSQL, so the scripts'
    // load is not waited for (a script missing when called is loaded then).
    redis.loadScripts();
    // Ready means reachable: every address is registered (in the cluster too) before start() returns.
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Bus.drain(vertx, drainMillis).compose(drained -> redis.close());
  }
}
