package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateCheck.Limit;
import io.learngrid.bus.cache.RateChecks;
import io.learngrid.bus.cache.RateDecision;
import io.learngrid.config.LearngridConfig;
import io.learngrid.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The GCRA script (redis/rate.lua) against a real Redis, without a node. Budgets are long (100 s
 * for 5 requests: one every 20 s), so a slow machine cannot refill one between two calls; time is
 * moved on by taking from the stored theoretical arrival time, which is what the clock passing does.
 */
@DisplayName("Rate budgets: GCRA on Redis")
class RateBudgetsTest {

  private static final int LIMIT = 5;
  private static final int PERIOD_SECONDS = 100;
  private static final long INTERVAL_MILLIS = PERIOD_SECONDS * 1000L / LIMIT;

  private static Vertx vertx;
  private static CacheRedis redis;
  private static RateBudgets budgets;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    redis = new CacheRedis(vertx, new LearngridConfig.Redis(TestServices.redisUrl(), 4, 64, 2000, null));
    budgets = new RateBudgets(redis);
    redis.loadScripts().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a fresh budget admits exactly its burst, counting down what remains, then refuses")
  void admitsExactlyTheBurst() throws Exception {
    String key = freshKey();
    for (int i = 1; i <= LIMIT; i++) {
      RateDecision decision = check(key, LIMIT, PERIOD_SECONDS);
      assertThat(decision.allowed()).as("request %d", i).isTrue();
      assertThat(decision.limit()).isEqualTo(LIMIT);
      assertThat(decision.remaining()).isEqualTo(LIMIT - i);
    }
    RateDecision refused = check(key, LIMIT, PERIOD_SECONDS);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
  }

  @Test
  @DisplayName("a refusal says when one request is allowed again (one interval after the burst) and costs no budget")
  void refusesWithTheRightRetryAfter() throws Exception {
    String key = freshKey();
    exhaust(key);
    String stored = storedArrival(key);
    RateDecision refused = check(key, LIMIT, PERIOD_SECONDS);
    assertThat(refused.allowed()).isFalse();
    // One interval (20 s) from the first request of the burst, less the time the test took.
    assertThat(refused.retryAfterMillis()).isBetween(INTERVAL_MILLIS - 5_000, INTERVAL_MILLIS);
    // Whole again one period after the first request.
    assertThat(refused.resetMillis()).isBetween(PERIOD_SECONDS * 1000L - 5_000, PERIOD_SECONDS * 1000L);
    assertThat(storedArrival(key)).as("a refusal does not move the budget").isEqualTo(stored);
    assertThat(check(key, LIMIT, PERIOD_SECONDS).allowed()).isFalse();
  }

  @Test
  @DisplayName("an exhausted budget gets one request back per interval: half an interval is not enough, one is, three give three")
  void refillsAtTheRate() throws Exception {
    String key = freshKey();
    exhaust(key);

    passes(key, INTERVAL_MILLIS / 2);
    RateDecision early = check(key, LIMIT, PERIOD_SECONDS);
    assertThat(early.allowed()).isFalse();
    assertThat(early.retryAfterMillis()).isBetween(INTERVAL_MILLIS / 2 - 5_000, INTERVAL_MILLIS / 2);

    passes(key, INTERVAL_MILLIS / 2);
    assertThat(check(key, LIMIT, PERIOD_SECONDS).allowed()).isTrue();
    assertThat(check(key, LIMIT, PERIOD_SECONDS).allowed()).isFalse();

    passes(key, 3 * INTERVAL_MILLIS);
    for (int i = 0; i < 3; i++) {
      assertThat(check(key, LIMIT, PERIOD_SECONDS).allowed()).as("request %d after three intervals", i + 1).isTrue();
    }
    assertThat(check(key, LIMIT, PERIOD_SECONDS).allowed()).isFalse();
  }

  @Test
  @DisplayName("on Redis's clock: a refused request is admitted once its retry-after has passed")
  void admitsAgainAfterTheRetryAfter() throws Exception {
    String key = freshKey();
    RateDecision decision = check(key, 2, 1);
    for (int i = 0; decision.allowed() && i < 20; i++) {
      decision = check(key, 2, 1);
    }
    assertThat(decision.allowed()).as("a 2-per-second budget is exhausted").isFalse();
    assertThat(decision.retryAfterMillis()).isBetween(1L, 500L);
    // Waiting for the clock the script reads, not for another thread.
    vertx.timer(decision.retryAfterMillis() + 20).await(5, TimeUnit.SECONDS);
    assertThat(check(key, 2, 1).allowed()).isTrue();
  }

  @Test
  @DisplayName("budgets are independent per key")
  void keysAreIndependent() throws Exception {
    String spent = freshKey();
    String other = freshKey();
    exhaust(spent);
    for (int i = 1; i <= LIMIT; i++) {
      RateDecision decision = check(other, LIMIT, PERIOD_SECONDS);
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.remaining()).isEqualTo(LIMIT - i);
    }
    assertThat(check(other, LIMIT, PERIOD_SECONDS).allowed()).isFalse();
    assertThat(check(spent, LIMIT, PERIOD_SECONDS).allowed()).isFalse();
  }

  @Test
  @DisplayName("several budgets: all take the request or none does, and the tightest one is reported")
  void everyBudgetOrNone() throws Exception {
    String tight = freshKey();
    String wide = freshKey();
    RateCheck both = new RateCheck(List.of(new Limit(tight, 1, PERIOD_SECONDS), new Limit(wide, LIMIT, PERIOD_SECONDS)));
    RateDecision first = budgets.check(both).await(5, TimeUnit.SECONDS);
    assertThat(first.allowed()).isTrue();
    assertThat(first.limit()).isEqualTo(1);
    assertThat(first.remaining()).isZero();

    RateDecision second = budgets.check(both).await(5, TimeUnit.SECONDS);
    assertThat(second.allowed()).isFalse();
    assertThat(second.retryAfterMillis()).isBetween(PERIOD_SECONDS * 1000L - 5_000, PERIOD_SECONDS * 1000L);
    // The wide budget gave one request (the first), not two: the refusal took nothing from it.
    assertThat(check(wide, LIMIT, PERIOD_SECONDS).remaining()).isEqualTo(LIMIT - 2);
  }

  @Test
  @DisplayName("a node's lease takes a slice at once: what is asked while it lasts, what is left when less is, none when spent")
  void leasesTakeSlices() throws Exception {
    String key = freshKey();
    int limit = 25;
    RateDecision slice = lease(key, limit, 10);
    assertThat(slice.allowed()).isTrue();
    assertThat(slice.granted()).isEqualTo(10);
    assertThat(slice.remaining()).isEqualTo(limit - 10);

    RateDecision rest = lease(key, limit, 20);
    assertThat(rest.granted()).as("only what was left").isEqualTo(limit - 10);
    assertThat(rest.remaining()).isZero();

    RateDecision refused = lease(key, limit, 5);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.granted()).isZero();
    assertThat(refused.retryAfterMillis()).isPositive();
    // A plain check of one request sees the same spent budget: a lease is charged like its requests.
    assertThat(check(key, limit, PERIOD_SECONDS).allowed()).isFalse();
  }

  @Test
  @DisplayName("a batch of checks is decided in order in one script: a budget named twice sees the first take, others stay apart")
  void batchDecidesInOrder() throws Exception {
    String shared = freshKey();
    String other = freshKey();
    Limit two = new Limit(shared, 2, PERIOD_SECONDS);
    List<RateDecision> decisions = budgets.checks(new RateChecks(List.of(
        new RateCheck(List.of(two)), new RateCheck(List.of(new Limit(other, LIMIT, PERIOD_SECONDS))),
        new RateCheck(List.of(two)), new RateCheck(List.of(two)))))
        .await(5, TimeUnit.SECONDS).decisions();
    assertThat(decisions).extracting(RateDecision::allowed).containsExactly(true, true, true, false);
    assertThat(decisions).extracting(RateDecision::remaining).containsExactly(1L, (long) LIMIT - 1, 0L, 0L);
    assertThat(decisions.get(3).retryAfterMillis()).isPositive();
  }

  @Test
  @DisplayName("an empty batch, an oversized one, or a check without limits is refused as a bad request")
  void badBatchesAreRefused() {
    Limit limit = new Limit(freshKey(), LIMIT, PERIOD_SECONDS);
    List<RateCheck> tooMany = java.util.Collections.nCopies(RateChecks.MAX_CHECKS + 1, new RateCheck(List.of(limit)));
    for (RateChecks bad : List.of(new RateChecks(List.of()), new RateChecks(tooMany),
        new RateChecks(List.of(new RateCheck(List.of(limit)), new RateCheck(List.of()))))) {
      assertThat(budgets.checks(bad).failed()).isTrue();
    }
  }

  @Test
  @DisplayName("a check without a request count (an older node's) takes one request")
  void absentCountIsOne() throws Exception {
    String key = freshKey();
    RateDecision decision = budgets.check(new RateCheck(List.of(new Limit(key, LIMIT, PERIOD_SECONDS)), 0))
        .await(5, TimeUnit.SECONDS);
    assertThat(decision.granted()).isEqualTo(1);
    assertThat(decision.remaining()).isEqualTo(LIMIT - 1);
  }

  @Test
  @DisplayName("a limit of 1,000,000 a second lets 5,000 requests through back to back: the budget has microseconds, not a 1,000/s ceiling")
  void highLimitsAreNotCappedByTheClock() throws Exception {
    String key = freshKey();
    int allowed = 0;
    long began = System.nanoTime();
    for (int i = 0; i < 5_000; i++) {
      if (check(key, 1_000_000, 1).allowed()) {
        allowed++;
      }
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    // In whole milliseconds each request moved the budget by 1 ms, so a 1 s budget ran out after
    // about a thousand requests plus the run's milliseconds; at microseconds each moves it by 1 µs.
    assertThat(allowed).as("allowed of 5,000 in %.2f s", seconds).isEqualTo(5_000);
    assertThat(Long.parseLong(storedArrival(key))).as("the arrival time is in microseconds")
        .isGreaterThan(1_000_000_000_000_000L);
  }

  private static RateDecision lease(String key, int limit, int requests) throws Exception {
    return budgets.check(new RateCheck(List.of(new Limit(key, limit, PERIOD_SECONDS)), requests))
        .await(5, TimeUnit.SECONDS);
  }

  private static RateDecision check(String key, int limit, int periodSeconds) throws Exception {
    return budgets.check(new RateCheck(List.of(new Limit(key, limit, periodSeconds)))).await(5, TimeUnit.SECONDS);
  }

  private static void exhaust(String key) throws Exception {
    for (int i = 0; i < LIMIT; i++) {
      assertThat(check(key, LIMIT, PERIOD_SECONDS).allowed()).isTrue();
    }
  }

  /** As if {@code millis} passed for this budget: its theoretical arrival time moves that much closer. */
  private static void passes(String key, long millis) throws Exception {
    redis.api().decrby("rate2:" + key, Long.toString(millis * 1_000)).await(5, TimeUnit.SECONDS);
  }

  private static String storedArrival(String key) throws Exception {
    Response value = redis.api().get("rate2:" + key).await(5, TimeUnit.SECONDS);
    assertThat(value).as("budget %s is stored", key).isNotNull();
    return value.toString();
  }

  private static String freshKey() {
    return "test:" + UUID.randomUUID();
  }
}
