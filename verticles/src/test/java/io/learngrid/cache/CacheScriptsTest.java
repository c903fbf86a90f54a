package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.cache.CacheCount;
import io.learngrid.bus.cache.CacheIncrement;
import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateCheck.Limit;
import io.learngrid.config.LearngridConfig;
import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cache role's Lua scripts run by SHA. A Redis of this class's own, since the tests flush its
 * scripts and count its commands.
 */
@DisplayName("Cache scripts: EVALSHA with the local SHA, loaded again after NOSCRIPT")
class CacheScriptsTest {

  private static EmbeddedRedis server;
  private static Vertx vertx;
  private static CacheRedis redis;
  private static Counters counters;
  private static RateBudgets budgets;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedRedis.start(TestServices.scratch("redis-scripts"), TestServices.freePort());
    vertx = Vertx.vertx();
    redis = new CacheRedis(vertx, new LearngridConfig.Redis(server.url(), 4, 64, 2000, null));
    new CacheEntries(redis);
    counters = new Counters(redis);
    budgets = new RateBudgets(redis);
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  @DisplayName("every script's locally computed SHA is the one SCRIPT LOAD answers")
  void localShaIsRedisSha() throws Exception {
    List<LuaScript> scripts = redis.scripts();
    assertThat(scripts).extracting(LuaScript::name).containsExactlyInAnyOrder(
        "lookup", "fill", "release", "renew", "invalidate", "increment", "add", "decrement", "rates");
    for (LuaScript script : scripts) {
      Response sha = redis.api().script(List.of("LOAD", script.text())).await(5, TimeUnit.SECONDS);
      assertThat(sha.toString()).as(script.name()).isEqualTo(script.sha());
    }
  }

  @Test
  @DisplayName("after SCRIPT FLUSH (a Redis restarted or flushed) a call still works, and its script is loaded again")
  void noScriptLoadsAgainAndRetries() throws Exception {
    String key = "test:" + UUID.randomUUID();
    LuaScript increment = script("increment");
    assertThat(counters.increment(new CacheIncrement(key, 60)).await(5, TimeUnit.SECONDS).value()).isEqualTo(1);

    redis.api().script(List.of("FLUSH")).await(5, TimeUnit.SECONDS);
    assertThat(exists(increment)).isFalse();

    CacheCount after = counters.increment(new CacheIncrement(key, 60)).await(5, TimeUnit.SECONDS);
    assertThat(after.value()).isEqualTo(2);
    assertThat(after.ttlSeconds()).isBetween(1L, 60L);
    assertThat(exists(increment)).isTrue();

    redis.api().script(List.of("FLUSH")).await(5, TimeUnit.SECONDS);
    assertThat(budgets.check(new RateCheck(List.of(new Limit(key, 3, 60)))).await(5, TimeUnit.SECONDS).allowed())
        .isTrue();
  }

  @Test
  @DisplayName("with the scripts loaded, a rate check is one EVALSHA: no EVAL, no SCRIPT command on the way")
  void oneRoundTripPerCall() throws Exception {
    redis.loadScripts().await(5, TimeUnit.SECONDS);
    assertThat(exists(script("rates"))).isTrue();
    redis.api().config(List.of("RESETSTAT")).await(5, TimeUnit.SECONDS);
    String key = "test:" + UUID.randomUUID();
    for (int i = 0; i < 10; i++) {
      budgets.check(new RateCheck(List.of(new Limit(key, 100, 60)))).await(5, TimeUnit.SECONDS);
    }
    Map<String, String> stats = commandStats();
    assertThat(stats.get("evalsha")).startsWith("calls=10,");
    assertThat(stats).doesNotContainKeys("eval", "script");
  }

  private static LuaScript script(String name) {
    return redis.scripts().stream().filter(script -> script.name().equals(name)).findFirst().orElseThrow();
  }

  private static boolean exists(LuaScript script) throws Exception {
    return redis.api().script(List.of("EXISTS", script.sha())).await(5, TimeUnit.SECONDS).get(0).toInteger() == 1;
  }

  /** INFO commandstats as command → "calls=…,usec=…". */
  private static Map<String, String> commandStats() throws Exception {
    String info = redis.api().info(List.of("commandstats")).await(5, TimeUnit.SECONDS).toString();
    Map<String, String> stats = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        int colon = line.indexOf(':');
        stats.put(line.substring("cmdstat_".length(), colon), line.substring(colon + 1));
      }
    }
    return stats;
  }
}
