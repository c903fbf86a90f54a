package io.learngrid.http;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.CacheDelete;
import io.learngrid.bus.CacheGet;
import io.learngrid.bus.CachePut;
import io.learngrid.bus.CacheValue;
import io.learngrid.bus.Done;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cache-aside reads through the cache role. The cache is an optimisation, never a dependency: a
 * cache that is down, slow or absent from the cluster turns into a miss and the read goes to the
 * persistence role. Entries are the reply's JSON text, so a hit is written out as it was stored
 * with no decoding on the hot path.
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

  /** The JSON of the value under {@code key}, loaded and stored for {@code ttlSeconds} on a miss. */
  Future<Buffer> read(String kind, String key, int ttlSeconds, Supplier<Future<? extends BusMessage>> load) {
    return Bus.request(vertx, CacheGet.ADDRESS, new CacheGet(key), timeoutMillis, CacheValue.class)
        .transform(cached -> {
          if (cached.succeeded() && cached.result().value() != null) {
            count(kind, "hit");
            return Future.succeededFuture(Buffer.buffer(cached.result().value()));
          }
          count(kind, cached.succeeded() ? "miss" : "error");
          return load.get().compose(value -> {
            String json = value.toJson().encode();
            return store(key, json, ttlSeconds).map(Buffer.buffer(json));
          });
        });
  }

  /** The same read, decoded: for values the http role inspects (ownership, enrollment). */
  <T extends BusMessage> Future<T> readAs(String kind, String key, int ttlSeconds, Class<T> type,
                                          Supplier<Future<? extends BusMessage>> load) {
    return read(kind, key, ttlSeconds, load).map(json -> BusJson.fromJson(new JsonObject(json), type));
  }

  /**
   * Removes entries after a write. Waited for, so the writer's reply comes after the delete; a
   * cache that cannot be reached is not an error here (entries expire with their TTL).
   */
  Future<Void> invalidate(String... keys) {
    return Bus.request(vertx, CacheDelete.ADDRESS, new CacheDelete(List.of(keys)), timeoutMillis, Done.class)
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.log(Level.FINE, "cache delete of " + String.join(",", keys) + " failed: " + failure.getMessage());
          return null;
        });
  }

  /**
   * Waited for (within the cache timeout), so that a read after this one finds the entry; a put
   * that fails is logged and otherwise ignored.
   */
  private Future<Void> store(String key, String json, int ttlSeconds) {
    return Bus.request(vertx, CachePut.ADDRESS, new CachePut(key, json, ttlSeconds), timeoutMillis, Done.class)
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.log(Level.FINE, "cache put of " + key + " failed: " + failure.getMessage());
          return null;
        });
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
