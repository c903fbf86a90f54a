package io.learngrid.cache;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.CacheCount;
import io.learngrid.bus.CacheDecrement;
import io.learngrid.bus.CacheDelete;
import io.learngrid.bus.CacheGet;
import io.learngrid.bus.CacheIncrement;
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
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cache role: get, put with TTL, delete and expiring counters on Redis over the bus. The client
 * is pooled, so a connection lost while Redis is away is replaced on the next command once Redis is
 * back; every command has a deadline, so an unreachable Redis costs a caller at most that long.
 */
public final class CacheVerticle extends VerticleBase {

  // One script per counter operation, so Redis runs its commands as one: an INCR whose EXPIRE got
  // lost (a timeout, a dropped connection) would leave a counter that never expires, a block for
  // good. The expiry is set only on a new key, so the window is fixed from the first increment.
  private static final String INCREMENT = """
      local value = redis.call('INCR', KEYS[1])
      if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
      return {value, redis.call('PTTL', KEYS[1])}""";
  private static final String DECREMENT = """
      local value = tonumber(redis.call('GET', KEYS[1]) or '0')
      if value > 0 then value = redis.call('DECR', KEYS[1]) end
      return {value, redis.call('PTTL', KEYS[1])}""";

  private final LearngridConfig.Redis settings;
  private final long drainMillis;
  private Redis client;
  private RedisAPI redis;

  public CacheVerticle(LearngridConfig config) {
    this.settings = config.redis();
    this.drainMillis = config.shutdown().timeoutMillis();
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
    Bus.serve(vertx, CacheIncrement.ADDRESS, CacheIncrement.class, this::increment);
    Bus.serve(vertx, CacheDecrement.ADDRESS, CacheDecrement.class, this::decrement);
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

  private Future<CacheCount> increment(CacheIncrement request) {
    if (request.ttlSeconds() <= 0) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("ttlSeconds must be positive"));
    }
    return deadline(redis.eval(List.of(INCREMENT, "1", request.key(), Integer.toString(request.ttlSeconds()))))
        .map(CacheVerticle::count);
  }

  private Future<CacheCount> decrement(CacheDecrement request) {
    return deadline(redis.eval(List.of(DECREMENT, "1", request.key()))).map(CacheVerticle::count);
  }

  /** {value, PTTL in ms}; PTTL is negative when there is no key (or, never here, no expiry). */
  private static CacheCount count(Response reply) {
    long pttl = reply.get(1).toLong();
    return new CacheCount(reply.get(0).toLong(), pttl <= 0 ? 0 : (pttl + 999) / 1000);
  }

  private <T> Future<T> deadline(Future<T> command) {
    return command
        .timeout(settings.commandTimeoutMillis(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.failedFuture(BusError.UNAVAILABLE.exception("cache unavailable")));
  }

  @Override
  public Future<?> stop() {
    return Bus.drain(vertx, drainMillis).compose(drained -> client.close());
  }
}
