package io.learngrid.http.limits;

import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateDecision;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same GCRA as the cache role's {@code learngrid.cache.rate}, in this node's memory: the
 * fallback while Redis (or the cache role) does not answer. Budgets are per node then, so a client
 * spreading over n nodes gets up to n times its limit. One instance per Vert.x instance is shared by
 * every http verticle instance; the lock is held for a map update only.
 */
final class LocalRates implements Shareable {

  /** Budgets kept at most (a few MB); the least recently touched goes first. */
  static final int MAX_KEYS = 100_000;

  private final Map<String, Long> arrivals = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_KEYS;
    }
  };

  static LocalRates of(Vertx vertx) {
    return vertx.sharedData().<String, LocalRates>getLocalMap("learngrid.http")
        .computeIfAbsent("local-rates", name -> new LocalRates());
  }

  /** nanoTime may be negative: times are kept in ms since this instance, never below 1. */
  private final long origin = System.nanoTime();

  synchronized RateDecision check(List<RateCheck.Limit> limits) {
    long now = (System.nanoTime() - origin) / 1_000_000 + 1;
    boolean allowed = true;
    long tightest = -1;
    int limitOut = 0;
    long resetOut = 0;
    long retry = 0;
    long[] next = new long[limits.size()];
    for (int i = 0; i < limits.size(); i++) {
      RateCheck.Limit limit = limits.get(i);
      double period = limit.periodSeconds() * 1000.0;
      double interval = period / limit.limit();
      long tat = Math.max(arrivals.getOrDefault(limit.key(), 0L), now);
      double newTat = tat + interval;
      double allowAt = newTat - period;
      long remaining = 0;
      if (allowAt > now) {
        allowed = false;
        retry = Math.max(retry, (long) Math.ceil(allowAt - now));
        next[i] = tat;
      } else {
        remaining = (long) Math.floor((now - allowAt) / interval);
        next[i] = (long) Math.ceil(newTat);
      }
      if (tightest < 0 || remaining < tightest) {
        tightest = remaining;
        limitOut = limit.limit();
        resetOut = next[i] - now;
      }
    }
    if (allowed) {
      for (int i = 0; i < limits.size(); i++) {
        arrivals.put(limits.get(i).key(), next[i]);
      }
    }
    return new RateDecision(allowed, limitOut, tightest, resetOut, retry);
  }
}
