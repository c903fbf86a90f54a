package io.learngrid.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.cache.CacheAdd;
import io.learngrid.bus.cache.CacheGet;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many users have spent more than {@value #PERCENT} % of their daily token budget this UTC day,
 * cluster-wide, as one gauge without a label per user. Counted where it is cheap: the budget's own
 * counter add returns the user's new total, so the one request that takes a user across the line
 * sees it (old total below, new total at or above) and adds 1 to a per-day counter in the cache
 * role. No scan, no per-user state on the node. The gauge shows that counter as this node last
 * saw it (from its own crossings, and read every {@value #REFRESH_MILLIS} ms so that other nodes'
 * crossings and the new day show too); across nodes take the max.
 */
final class UsersNearBudget {

  private static final Logger LOG = LoggerFactory.getLogger(UsersNearBudget.class);
  static final int PERCENT = 80;
  static final long REFRESH_MILLIS = 30_000;

  private final BusClient cache;
  private final long threshold;
  /** The count and the UTC day it belongs to: a count of another day reads as 0. */
  private volatile Seen seen = new Seen(LocalDate.MIN, 0);

  private record Seen(LocalDate day, long count) {}

  UsersNearBudget(Vertx vertx, long userBudget, long timeoutMillis, MeterRegistry registry) {
    this.cache = new BusClient(vertx, timeoutMillis);
    // The smallest whole total at or above PERCENT % of the budget.
    this.threshold = userBudget <= 0 ? 0 : (userBudget * PERCENT + 99) / 100;
    Gauge.builder("learngrid.ai.budget.users.nearly.spent", this, UsersNearBudget::count)
        .description("Users who have spent " + PERCENT + " % or more of LEARNGRID_AI_USER_DAILY_TOKENS this UTC day,"
            + " as this node last saw it (take the max across nodes)")
        .register(registry);
    if (threshold > 0) {
      refresh();
      vertx.setPeriodic(REFRESH_MILLIS, id -> refresh());
    }
  }

  /** A user's day total went from {@code total - tokens} to {@code total}. */
  void counted(long total, long tokens, int ttlSeconds) {
    if (threshold > 0 && total - tokens < threshold && total >= threshold) {
      LocalDate day = today();
      cache.request(CacheAdd.ENDPOINT, new CacheAdd(key(day), 1, ttlSeconds))
          .onSuccess(count -> seen(day, count.value()))
          .onFailure(failure -> LOG.warn("a user over " + PERCENT + " % of the AI budget was not counted: "
              + failure.getMessage()));
    }
  }

  private void refresh() {
    LocalDate day = today();
    cache.request(CacheGet.ENDPOINT, new CacheGet(key(day)))
        .onSuccess(value -> seen(day, value.value() == null ? 0 : Long.parseLong(value.value())));
  }

  private synchronized void seen(LocalDate day, long count) {
    Seen last = seen;
    // Replies may arrive out of order; within a day the count only grows.
    if (!day.equals(last.day()) || count > last.count()) {
      seen = new Seen(day, count);
    }
  }

  private double count() {
    Seen last = seen;
    return last.day().equals(today()) ? last.count() : 0;
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  private static String key(LocalDate day) {
    return "ai:budget:users-nearly-spent:" + day;
  }
}
