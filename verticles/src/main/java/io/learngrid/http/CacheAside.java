package io.learngrid.http;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.CacheGet;
import io.learngrid.bus.CachePut;
import io.learngrid.bus.CacheValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cache-aside reads through the cache role. The cache is an optimisation, never a dependency: a
 * cache that is down, slow or absent from the cluster turns into a miss and the read goes to the
 * persistence role.
 */
final class CacheAside {

  private static final Logger LOG = Logger.getLogger(CacheAside.class.getName());

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final long timeoutMillis;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  CacheAside(Vertx vertx, MeterRegistry registry, long timeoutMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.timeoutMillis = timeoutMillis;
  }

  <T extends BusMessage> Future<T> read(String kind, String key, int ttlSeconds, Class<T> type, Supplier<Future<T>> load) {
    return Bus.request(vertx, CacheGet.ADDRESS, new CacheGet(key), timeoutMillis, CacheValue.class)
        .transform(cached -> {
          if (cached.succeeded() && cached.result().value() != null) {
            T value = decode(cached.result().value(), type);
            if (value != null) {
              count(kind, "hit");
              return Future.succeededFuture(value);
            }
          }
          count(kind, cached.succeeded() ? "miss" : "error");
          return load.get().onSuccess(value -> store(key, value, ttlSeconds));
        });
  }

  /** An entry written by an older or foreign writer that does not decode is treated as absent. */
  private static <T> T decode(String json, Class<T> type) {
    try {
      return BusJson.fromJson(new JsonObject(json), type);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void store(String key, BusMessage value, int ttlSeconds) {
    vertx.eventBus().request(CachePut.ADDRESS, new CachePut(key, value.toJson().encode(), ttlSeconds).toJson())
        .onFailure(failure -> LOG.log(Level.FINE, "cache put of " + key + " failed: " + failure.getMessage()));
  }

  private void count(String kind, String result) {
    counters.computeIfAbsent(kind + '/' + result, id -> Counter.builder("learngrid.cache.requests")
            .description("Cache-aside lookups by kind and result (hit, miss, error)")
            .tag("kind", kind)
            .tag("result", result)
            .register(registry))
        .increment();
  }
}
