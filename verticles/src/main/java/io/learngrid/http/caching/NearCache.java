package io.learngrid.http.caching;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.learngrid.bus.BusJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * This node's first cache level, in front of Redis, and the single-flight table of loads in
 * progress. One instance per Vert.x instance is shared by every http verticle instance (Caffeine
 * and the table are thread-safe), so a node loads a missing key once however many event loops ask.
 *
 * <p>Bounded by entries and bytes at once: each entry weighs its size in bytes, but at least
 * {@code maxBytes / maxEntries}, so the weight bound {@code maxBytes} also caps the entry count.
 * An entry lives the shorter of its kind's TTL and the near-cache TTL; the latter caps how long a
 * node that missed an invalidation (it did not answer in time) can serve an old entry.
 */
public final class NearCache implements Shareable {

  /**
   * A loaded value, ready to be written out. The bytes are never changed after construction. The
   * value the http role reads decoded (an assignment, a course, an enrollment) is decoded once and
   * kept beside the bytes: a hit then costs no JSON parse and no Jackson mapping. Message records
   * are never changed once made, so one copy serves every reader. (The weight counts the bytes
   * only: a decoded entry holds about twice its weight.)
   */
  static final class Entry {
    private final String kind;
    private final byte[] json;
    private final long ttlNanos;
    // Set once by whichever reader decodes first; a race decodes twice, to equal values.
    private volatile Object decoded;

    Entry(String kind, byte[] json, long ttlNanos) {
      this.kind = kind;
      this.json = json;
      this.ttlNanos = ttlNanos;
    }

    String kind() {
      return kind;
    }

    byte[] json() {
      return json;
    }

    long ttlNanos() {
      return ttlNanos;
    }

    Buffer buffer() {
      return Buffer.buffer(json);
    }

    <T> T decoded(Class<T> type) {
      Object value = decoded;
      if (type.isInstance(value)) {
        return type.cast(value);
      }
      T fresh = BusJson.fromJson(new JsonObject(Buffer.buffer(json)), type);
      decoded = fresh;
      return fresh;
    }
  }

  /** A load in progress; {@code stale} once an invalidation of its key arrived while it ran. */
  static final class Flight {
    final Promise<Buffer> promise = Promise.promise();
    volatile boolean stale;
  }

  private final Cache<String, Entry> entries;
  private final Map<String, Flight> flights = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> loadTimers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong[]> ratios = new ConcurrentHashMap<>();
  private final long ttlNanos;
  /**
   * Redis invalidations that failed (Redis away), retried until Redis takes them: a Redis that comes
   * back with its data must not serve what was written meanwhile. Bounded; past the bound the
   * retry clears every cache entry instead ({@link #CLEAR_ALL}).
   */
  final Set<String> pendingInvalidations = ConcurrentHashMap.newKeySet();
  static final String CLEAR_ALL = "";
  static final int MAX_PENDING = 10_000;

  private NearCache(LearngridConfig.NearCache settings, MeterRegistry registry) {
    this.registry = registry;
    this.ttlNanos = TimeUnit.SECONDS.toNanos(settings.ttlSeconds());
    if (settings.maxEntries() == 0) {
      entries = null;
      return;
    }
    long floor = Math.max(1, settings.maxBytes() / settings.maxEntries());
    entries = Caffeine.newBuilder()
        .maximumWeight(settings.maxBytes())
        .weigher((String key, Entry entry) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, entry.json().length)))
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry entry, long currentTime) {
            return entry.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
            return entry.ttlNanos();
          }

          @Override
          public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .removalListener((String key, Entry entry, RemovalCause cause) -> {
          if (cause.wasEvicted() && entry != null) {
            counter("learngrid.cache.evictions", "Entries dropped for size or age", entry.kind(), "near",
                cause.name().toLowerCase()).increment();
          }
        })
        .build();
    Gauge.builder("learngrid.cache.near.entries", entries, cache -> cache.estimatedSize())
        .description("Entries in this node's near cache").register(registry);
    Gauge.builder("learngrid.cache.near.bytes", entries,
            cache -> cache.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L))
        .description("Weight of this node's near cache (bytes, each entry at least max bytes / max entries)")
        .baseUnit("bytes").register(registry);
  }

  public static NearCache of(Vertx vertx, LearngridConfig.NearCache settings, MeterRegistry registry) {
    return vertx.sharedData().<String, NearCache>getLocalMap("learngrid.http")
        .computeIfAbsent("near-cache", name -> new NearCache(settings, registry));
  }

  boolean enabled() {
    return entries != null;
  }

  /**
   * The entry under {@code key}, or null. A hit is counted here; a miss is not, as the lookup goes
   * on to Redis and is counted there: every lookup counts once, at the level where it ended, so
   * hits over all of {@code learngrid_cache_requests_total} is the overall hit ratio.
   */
  Entry get(String kind, String key) {
    if (entries == null) {
      return null;
    }
    Entry entry = entries.getIfPresent(key);
    if (entry != null) {
      count(kind, "near", "hit");
      ratio(kind, true);
    }
    return entry;
  }

  /**
   * Joins the load of {@code key} in progress, or starts one with {@code load} when there is
   * none. The result reaches each caller on its own context (its event loop).
   */
  Future<Buffer> join(String key, Function<Flight, Future<Buffer>> load) {
    Flight flight = new Flight();
    Flight running = flights.putIfAbsent(key, flight);
    if (running == null) {
      Future<Buffer> loading;
      try {
        loading = load.apply(flight);
      } catch (RuntimeException e) {
        loading = Future.failedFuture(e);   // never leave a flight in the table that nobody completes
      }
      loading.onComplete(result -> {
        flights.remove(key, flight);
        flight.promise.handle(result);
      });
      return flight.promise.future();
    }
    Context context = Vertx.currentContext();
    Promise<Buffer> mine = Promise.promise();
    running.promise.future().onComplete(result -> {
      if (context == null) {
        mine.handle(result);
      } else {
        context.runOnContext(v -> mine.handle(result));
      }
    });
    return mine.future();
  }

  /**
   * Stores what {@code flight} loaded, unless an invalidation of the key arrived meanwhile. The
   * check runs inside the map's per-key lock, and {@link #invalidate} marks the flight before it
   * takes that lock, so either the check sees the mark or the invalidation removes the entry.
   */
  void fill(Flight flight, String key, String kind, byte[] json, int ttlSeconds) {
    if (entries == null) {
      return;
    }
    Entry entry = new Entry(kind, json, Math.min(ttlNanos, TimeUnit.SECONDS.toNanos(ttlSeconds)));
    entries.asMap().compute(key, (k, old) -> flight.stale ? old : entry);
  }

  /** Drops {@code keys} and marks their loads in progress stale (their results are not kept). */
  void invalidate(Collection<String> keys) {
    for (String key : keys) {
      Flight flight = flights.remove(key);
      if (flight != null) {
        flight.stale = true;
      }
      if (entries != null) {
        entries.invalidate(key);
      }
    }
  }

  /** Drops every key starting with one of {@code prefixes} ({@code ""}: all), and their loads. */
  void invalidatePrefixes(Collection<String> prefixes) {
    flights.entrySet().removeIf(flight -> {
      boolean match = prefixes.stream().anyMatch(flight.getKey()::startsWith);
      if (match) {
        flight.getValue().stale = true;
      }
      return match;
    });
    if (entries != null) {
      entries.asMap().keySet().removeIf(key -> prefixes.stream().anyMatch(key::startsWith));
    }
  }

  void count(String kind, String level, String result) {
    counter("learngrid.cache.requests", "Cache lookups by kind, with the level (near, redis) and result (hit, miss, error) they ended at",
        kind, level, result).increment();
  }

  /** A lookup answered at some level ({@code hit}) or by a load from the persistence role. */
  void ratio(String kind, boolean hit) {
    AtomicLong[] pair = ratios.computeIfAbsent(kind, k -> {
      AtomicLong[] created = {new AtomicLong(), new AtomicLong()};
      Gauge.builder("learngrid.cache.hit.ratio", created,
              counts -> counts[1].get() == 0 ? 0 : (double) counts[0].get() / counts[1].get())
          .description("Reads answered by a cache level (near or redis) over all reads, since start")
          .tag("kind", kind)
          .register(registry);
      return created;
    });
    if (hit) {
      pair[0].incrementAndGet();
    }
    pair[1].incrementAndGet();
  }

  Timer loadTimer(String kind) {
    return loadTimers.computeIfAbsent(kind, k -> Timer.builder("learngrid.cache.load")
        .description("Loads from the persistence role after a miss at every level")
        .tag("kind", kind)
        .register(registry));
  }

  private Counter counter(String name, String description, String kind, String level, String result) {
    return counters.computeIfAbsent(name + '/' + kind + '/' + level + '/' + result,
        id -> Counter.builder(name)
            .description(description)
            .tag("kind", kind)
            .tag("level", level)
            .tag(name.endsWith("evictions") ? "cause" : "result", result)
            .register(registry));
  }
}
