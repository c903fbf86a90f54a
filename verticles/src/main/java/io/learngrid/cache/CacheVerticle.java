package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.CacheDelete;
import io.learngrid.bus.CacheGet;
import io.learngrid.bus.CachePut;
import io.learngrid.bus.CacheValue;
import io.learngrid.bus.Done;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cache role: get, put with TTL and delete on Redis over the bus. The client is pooled, so a
 * connection lost while Redis is away is replaced on the next command once Redis is back; every
 * command has a deadline, so an unreachable Redis costs a caller at most that long.
 */
public final class CacheVerticle extends VerticleBase {

  private final LearngridConfig.Redis settings;
  private Redis client;
  private RedisAPI redis;

  public CacheVerticle(LearngridConfig config) {
    this.settings = config.redis();
  }

  @Override
  public Future<?> start() {
    client = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(settings.url())
        .setMaxPoolSize(settings.poolSize())
        .setMaxPoolWaiting(settings.maxWaitingHandlers())
        .setMaxWaitingHandlers(settings.maxWaitingHandlers())
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) settings.commandTimeoutMillis())
            .setTcpNoDelay(true)));
    redis = RedisAPI.api(client);
    Bus.serve(vertx, CacheGet.ADDRESS, CacheGet.class, this::get);
    Bus.serve(vertx, CachePut.ADDRESS, CachePut.class, this::put);
    Bus.serve(vertx, CacheDelete.ADDRESS, CacheDelete.class, this::delete);
    Bus.serve(vertx, Ping.CACHE, Ping.class, ping -> deadline(redis.ping(List.of()))
        .map(pong -> Pong.up())
        .otherwise(failure -> Pong.down(failure.getClass().getSimpleName())));
    // Redis may be down at start: the node still starts and serves from PostgreSQL.
    return Future.succeededFuture();
  }

  private Future<CacheValue> get(CacheGet request) {
    return deadline(redis.get(request.key()))
        .map(value -> new CacheValue(value == null ? null : value.toString()));
  }

  private Future<Done> put(CachePut request) {
    if (request.ttlSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("ttlSeconds must be positive"));
    }
    return deadline(redis.set(List.of(request.key(), request.value(), "EX", Integer.toString(request.ttlSeconds()))))
        .map(ok -> Done.INSTANCE);
  }

  private Future<Done> delete(CacheDelete request) {
    if (request.keys() == null || request.keys().isEmpty()) {
      return Future.succeededFuture(Done.INSTANCE);
    }
    return deadline(redis.del(request.keys())).map(deleted -> Done.INSTANCE);
  }

  private <T> Future<T> deadline(Future<T> command) {
    return command
        .timeout(settings.commandTimeoutMillis(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(BusError.UNAVAILABLE.exception("cache unavailable")));
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }
}
