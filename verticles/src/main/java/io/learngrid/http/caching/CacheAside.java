package io.learngrid.http.caching;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.answers.Progress;
import io.learngrid.bus.cache.CacheIncrement;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.cache.CacheClear;
import io.learngrid.bus.cache.CacheEntry;
import io.learngrid.bus.cache.CacheFill;
import io.learngrid.bus.cache.CacheInvalidate;
import io.learngrid.bus.cache.CacheLookup;
import io.learngrid.http.limits.RedisBackoff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-level cache-aside reads: this node's {@link NearCache}, then Redis through the cache role,
 * then the persistence role. The cache is an optimisation, never a dependency: a cache role that is
 * down, slow or absent turns into a miss and the read goes to the persistence role. Entries are the
 * reply's JSON text, so a hit is written out as it was stored with no decoding on the hot path.
 *
 * <p>Misses for one key load once per node (single-flight in {@link NearCache}) and, where the
 * cache role answers, once per cluster: the first node to miss takes a short Redis lock and loads;
 * the others poll Redis a few times for its result before loading themselves.
 */
public final class CacheAside {

  private static final Logger LOG = LoggerFactory.getLogger(CacheAside.class);
  /** How long a loader holds a key's Redis lock at most; others wait for its result up to this. */
  static final long LOCK_MILLIS = 1_000;
  private static final long POLL_MILLIS = 25;

  private final NearCache near;
  private final NearInvalidation invalidation;
  private final Vertx vertx;
  private final BusClient cacheRole;
  private final RedisBackoff backoff = new RedisBackoff();

  public CacheAside(Vertx vertx, NearCache near, NearInvalidation invalidation, long timeoutMillis) {
    this.near = near;
    this.invalidation = invalidation;
    this.vertx = vertx;
    this.cacheRole = new BusClient(vertx, timeoutMillis);
  }

  /** The JSON of the value under {@code key}, loaded and stored for {@code ttlSeconds} on a miss. */
  public Future<Buffer> read(String kind, String key, int ttlSeconds, Supplier<Future<? extends BusMessage>> load) {
    NearCache.Entry entry = near.get(kind, key);
    if (entry != null) {
      return Future.succeededFuture(entry.buffer());
    }
    return missedNear(kind, key, ttlSeconds, load);
  }

  /**
   * The same read, decoded: for values the http role inspects (ownership, enrollment). A near hit
   * decodes once per entry, not per read.
   */
  public <T extends BusMessage> Future<T> readAs(String kind, String key, int ttlSeconds, Class<T> type,
                                          Supplier<Future<? extends BusMessage>> load) {
    NearCache.Entry entry = near.get(kind, key);
    if (entry != null) {
      return Future.succeededFuture(entry.decoded(type));
    }
    return missedNear(kind, key, ttlSeconds, load).map(json -> BusJson.fromJson(new JsonObject(json), type));
  }

  private Future<Buffer> missedNear(String kind, String key, int ttlSeconds, Supplier<Future<? extends BusMessage>> load) {
    return near.join(key, flight -> fromRedis(kind, key, ttlSeconds, load, LOCK_MILLIS / POLL_MILLIS)
        .map(json -> {
          near.fill(flight, key, kind, json, ttlSeconds);
          return Buffer.buffer(json);
        }));
  }

  private Future<byte[]> fromRedis(String kind, String key, int ttlSeconds, Supplier<Future<? extends BusMessage>> load,
                                   long polls) {
    if (!backoff.ask()) {
      // The cache role failed within the last second: straight to the store, nobody waits on Redis.
      near.count(kind, "redis", "error");
      near.ratio(kind, false);
      return loadFromStore(kind, load);
    }
    return cacheRole.request(CacheLookup.ENDPOINT, new CacheLookup(key, LOCK_MILLIS))
        .andThen(lookup -> {
          if (lookup.succeeded()) {
            backoff.succeeded();
          } else {
            backoff.failed();
          }
        })
        .transform(lookup -> {
          if (lookup.succeeded() && lookup.result().value() != null) {
            near.count(kind, "redis", "hit");
            near.ratio(kind, true);
            return Future.succeededFuture(lookup.result().value().getBytes(StandardCharsets.UTF_8));
          }
          if (lookup.failed()) {
            near.count(kind, "redis", "error");
            near.ratio(kind, false);
            return loadFromStore(kind, load);
          }
          CacheEntry miss = lookup.result();
          if (miss.lockToken() == null && polls > 0) {
            // Another node is loading this key: its fill is a few milliseconds away.
            return delay(POLL_MILLIS).compose(v -> fromRedis(kind, key, ttlSeconds, load, polls - 1));
          }
          near.count(kind, "redis", "miss");
          near.ratio(kind, false);
          return loadFromStore(kind, load).compose(json -> fill(key, json, ttlSeconds, miss).map(json));
        });
  }

  private Future<byte[]> loadFromStore(String kind, Supplier<Future<? extends BusMessage>> load) {
    long started = System.nanoTime();
    return load.get().map(value -> {
      near.loadTimer(kind).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      return value.toJson().encode().getBytes(StandardCharsets.UTF_8);
    });
  }

  /**
   * Waited for (within the cache timeout), so that a read after this one finds the entry; a fill
   * that fails is logged and otherwise ignored.
   */
  private Future<Void> fill(String key, byte[] json, int ttlSeconds, CacheEntry miss) {
    CacheFill fill = new CacheFill(key, new String(json, StandardCharsets.UTF_8), ttlSeconds, miss.generation(),
        miss.lockToken());
    return cacheRole.request(CacheFill.ENDPOINT, fill)
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.debug("cache fill of " + key + " failed: " + failure.getMessage());
          return null;
        });
  }

  /**
   * Removes entries after a write, from Redis and then from every node's near cache. Waited for, so
   * the writer's reply comes after both; a cache role that cannot be reached is not an error here
   * (Redis entries expire with their TTL), and a node that does not answer in time keeps its near
   * entry at most the near-cache TTL.
   */
  public Future<Void> invalidate(String... keys) {
    List<String> list = List.of(keys);
    return cacheRole.request(CacheInvalidate.ENDPOINT, new CacheInvalidate(list))
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.debug("cache invalidation of " + String.join(",", keys) + " failed: " + failure.getMessage());
          remember(list);
          return null;
        })
        .compose(v -> invalidation.keys(list));
  }

  /**
   * Retires every cached progress at once, after a change that alters progress without a fold of
   * answers (an assignment deleted or hidden, a course deleted, a student unenrolled): cached
   * progress is keyed by the aggregation version (ProgressRoutes), and this moves it on, as each
   * fold does. A cache role that cannot be reached has nothing to retire.
   */
  public Future<Void> retireProgress() {
    return cacheRole.request(CacheIncrement.ENDPOINT, new CacheIncrement(Progress.VERSION_KEY, 86_400))
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.debug("progress version not moved on: " + failure.getMessage());
          return null;
        });
  }

  /**
   * {@link #invalidate} for every key under {@code prefixes} (a deleted course's enrollments): the
   * same guarantees, but Redis entries left by a failed clear live out their TTL (a prefix cannot be
   * remembered key by key).
   */
  public Future<Void> invalidatePrefixes(List<String> prefixes) {
    return cacheRole.request(CacheClear.ENDPOINT, new CacheClear(prefixes))
        .<Void>mapEmpty()
        .otherwise(failure -> {
          LOG.debug("cache clear of " + String.join(",", prefixes) + " failed: " + failure.getMessage());
          return null;
        })
        .compose(v -> invalidation.prefixes(prefixes));
  }

  private void remember(List<String> keys) {
    if (near.pendingInvalidations.size() + keys.size() > NearCache.MAX_PENDING) {
      near.pendingInvalidations.clear();
      near.pendingInvalidations.add(NearCache.CLEAR_ALL);
    } else {
      near.pendingInvalidations.addAll(keys);
    }
  }

  /**
   * Sends the Redis invalidations that failed, once Redis answers again (called every second).
   * Keys are taken out before sending and put back if the send fails.
   */
  public void retryPendingInvalidations() {
    if (near.pendingInvalidations.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>();
    for (var iterator = near.pendingInvalidations.iterator(); iterator.hasNext() && keys.size() < 500; ) {
      keys.add(iterator.next());
      iterator.remove();
    }
    Future<?> sent = keys.contains(NearCache.CLEAR_ALL)
        ? cacheRole.request(CacheClear.ENDPOINT, new CacheClear(List.of("")))
        : cacheRole.request(CacheInvalidate.ENDPOINT, new CacheInvalidate(keys));
    sent.onComplete(
        done -> LOG.info("cache invalidations made while Redis was away are applied (" + keys.size() + " keys)"),
        failure -> near.pendingInvalidations.addAll(keys));
  }

  private Future<Void> delay(long millis) {
    return Future.future(promise -> vertx.setTimer(millis, id -> promise.complete()));
  }
}
