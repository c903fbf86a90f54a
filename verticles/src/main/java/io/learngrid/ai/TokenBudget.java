package io.learngrid.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.cache.CacheAdd;
import io.learngrid.bus.cache.CacheCount;
import io.learngrid.bus.cache.CacheGet;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily token budgets (UTC days) per user and for the whole deployment, counted in the cache role so
 * every ai node sees the same figures. A request is refused with 429 once the day's count has reached
 * a budget; the request that crosses it still completes (its size is known only afterwards). When the
 * cache role does not answer, requests go through: budgets bound cost, they must not take AI down.
 */
final class TokenBudget {

  private static final Logger LOG = LoggerFactory.getLogger(TokenBudget.class);

  private final BusClient cache;
  private final long userBudget;
  private final long globalBudget;
  /** Today's global spend as this node last read or counted it: the budget alert's figure (use max). */
  private final AtomicLong globalSpent = new AtomicLong();
  private final UsersNearBudget nearlySpent;

  TokenBudget(Vertx vertx, LearngridConfig.Ai settings, long timeoutMillis, MeterRegistry registry) {
    this.cache = new BusClient(vertx, timeoutMillis);
    this.userBudget = settings.userDailyTokens();
    this.globalBudget = settings.globalDailyTokens();
    this.nearlySpent = new UsersNearBudget(vertx, userBudget, timeoutMillis, registry);
    Gauge.builder("learngrid.ai.budget.global.spent", globalSpent, AtomicLong::get).baseUnit("tokens")
        .description("Tokens spent today (UTC) against LEARNGRID_AI_GLOBAL_DAILY_TOKENS, as this node last saw it")
        .register(registry);
    Gauge.builder("learngrid.ai.budget.global.limit", () -> globalBudget).baseUnit("tokens")
        .description("LEARNGRID_AI_GLOBAL_DAILY_TOKENS (0: no global budget)")
        .register(registry);
  }

  /**
   * Checks the budgets while {@code alongside} (the reply-cache lookup) runs: both are Redis round trips
   * and independent, so they go side by side. Fails as the check does, else yields {@code alongside}'s result.
   */
  <T> Future<T> checkAlongside(String userId, Future<T> alongside) {
    return Future.all(check(userId), alongside).map(checked -> alongside.result());
  }

  private Future<Void> check(String userId) {
    Future<Long> user = userBudget > 0 && userId != null ? spent(userKey(userId)) : Future.succeededFuture(0L);
    Future<Long> global = globalBudget > 0
        ? spent(globalKey()).onSuccess(globalSpent::set)
        : Future.succeededFuture(0L);
    return Future.all(user, global).compose(both -> {
      if (userBudget > 0 && user.result() >= userBudget) {
        return Future.failedFuture(BusError.TOO_MANY_REQUESTS.exception(
            "your daily AI token budget is used up", secondsToMidnight()));
      }
      if (globalBudget > 0 && global.result() >= globalBudget) {
        return Future.failedFuture(BusError.TOO_MANY_REQUESTS.exception(
            "the daily AI token budget of this deployment is used up", secondsToMidnight()));
      }
      return Future.succeededFuture();
    });
  }

  void spend(String userId, long tokens) {
    if (tokens <= 0) {
      return;
    }
    int ttl = (int) secondsToMidnight() + 3_600;
    if (userBudget > 0 && userId != null) {
      add(userKey(userId), tokens, ttl).onSuccess(total -> nearlySpent.counted(total, tokens, ttl));
    }
    if (globalBudget > 0) {
      add(globalKey(), tokens, ttl).onSuccess(globalSpent::set);
    }
  }

  private Future<Long> spent(String key) {
    return cache.request(CacheGet.ENDPOINT, new CacheGet(key))
        .map(value -> value.value() == null ? 0L : Long.parseLong(value.value()))
        .otherwise(failure -> {
          LOG.warn("AI budget not checked, the cache role did not answer: " + failure.getMessage());
          return 0L;
        });
  }

  /** The key's new count. */
  private Future<Long> add(String key, long tokens, int ttl) {
    return cache.request(CacheAdd.ENDPOINT, new CacheAdd(key, tokens, ttl))
        .map(CacheCount::value)
        .onFailure(failure -> LOG.warn("AI tokens not counted against the budget: " + failure.getMessage()));
  }

  private static String userKey(String userId) {
    return "ai:budget:user:" + userId + ":" + LocalDate.now(ZoneOffset.UTC);
  }

  private static String globalKey() {
    return "ai:budget:global:" + LocalDate.now(ZoneOffset.UTC);
  }

  static long secondsToMidnight() {
    long now = Instant.now().getEpochSecond();
    return Math.max(1, (now / 86_400 + 1) * 86_400 - now);
  }
}
