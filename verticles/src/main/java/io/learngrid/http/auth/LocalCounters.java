package io.learngrid.http.auth;

import io.learngrid.bus.cache.CacheCount;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Expiring counters in this node's memory, with the semantics of the cache role's
 * {@code learngrid.cache.incr}/{@code decr}: the fallback when no cache role answers. They are
 * per node, not cluster-wide, so while they are in use a client spreading over n nodes gets up to
 * n times the limit. One instance per Vert.x instance is shared by every http verticle instance;
 * the lock is held for a map update only, never across I/O.
 */
final class LocalCounters implements Shareable {

  /**
   * Keys kept at most (a few MB). Windows all have the same length, so insertion order is expiry
   * order: expired keys are dropped from the head, and when too many live keys (a flood of
   * distinct emails) push one out, it is the one nearest its end anyway.
   */
  static final int MAX_KEYS = 100_000;

  private record Window(long value, long expiresAtNanos) {}

  private final Map<String, Window> windows = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
      return size() > MAX_KEYS;
    }
  };
  /** True while the cache role fails, so that a switch is logged once, not every login. */
  final AtomicBoolean inUse = new AtomicBoolean();

  static LocalCounters of(Vertx vertx) {
    return vertx.sharedData().<String, LocalCounters>getLocalMap("learngrid.http")
        .computeIfAbsent("local-counters", name -> new LocalCounters());
  }

  synchronized CacheCount increment(String key, int ttlSeconds) {
    long now = System.nanoTime();
    Window window = live(key, now);
    if (window == null) {
      dropExpired(now);
    }
    Window next = window == null
        ? new Window(1, now + TimeUnit.SECONDS.toNanos(ttlSeconds))
        : new Window(window.value() + 1, window.expiresAtNanos());
    windows.put(key, next);
    return count(next, now);
  }

  /** The count under {@code key} now (0 when it has none or it expired). */
  synchronized long value(String key) {
    Window window = live(key, System.nanoTime());
    return window == null ? 0 : window.value();
  }

  synchronized CacheCount decrement(String key) {
    long now = System.nanoTime();
    Window window = live(key, now);
    if (window == null) {
      return new CacheCount(0, 0);
    }
    Window next = new Window(Math.max(0, window.value() - 1), window.expiresAtNanos());
    windows.put(key, next);
    return count(next, now);
  }

  /** The unexpired window of {@code key}; an expired one is dropped so that a new one goes last. */
  private Window live(String key, long now) {
    Window window = windows.get(key);
    if (window != null && window.expiresAtNanos() - now <= 0) {
      windows.remove(key);
      return null;
    }
    return window;
  }

  /** Expired windows sit at the head (insertion order is expiry order): drop them from there. */
  private void dropExpired(long now) {
    var iterator = windows.values().iterator();
    while (iterator.hasNext() && iterator.next().expiresAtNanos() - now <= 0) {
      iterator.remove();
    }
  }

  private static CacheCount count(Window window, long now) {
    long remaining = window.expiresAtNanos() - now;
    return new CacheCount(window.value(), (remaining + 999_999_999) / 1_000_000_000);
  }
}
