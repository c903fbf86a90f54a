package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.cache.AiAdmission;
import io.learngrid.bus.cache.AiAdmit;
import io.learngrid.bus.cache.AiSettle;
import io.learngrid.config.LearngridConfig;
import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.Eventually;
import io.learngrid.support.TestServices;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AI token budgets in Redis: reserve before, settle after, expire when never settled")
class AiBudgetsTest {

  private static EmbeddedRedis server;
  private static Vertx vertx;
  private static CacheRedis redis;
  private static AiBudgets budgets;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedRedis.start(TestServices.scratch("redis-ai-budgets"), TestServices.freePort());
    vertx = Vertx.vertx();
    redis = new CacheRedis(vertx, new LearngridConfig.Redis(server.url(), 4, 64, 2000, null));
    budgets = new AiBudgets(redis);
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static AiAdmission admit(List<AiAdmit.Budget> limits, String id, long tokens, long leaseMillis) throws Exception {
    return budgets.admit(new AiAdmit(limits, id, tokens, leaseMillis, 3_600, null, 0)).await(5, TimeUnit.SECONDS);
  }

  private static List<Long> settle(List<String> keys, String id, long tokens) throws Exception {
    return budgets.settle(new AiSettle(keys, id, tokens, 3_600)).await(5, TimeUnit.SECONDS).spent();
  }

  @Test
  @DisplayName("admits while spent + reserved is under the limit; the hold counts at once, the settlement replaces it")
  void reserveThenSettle() throws Exception {
    String key = "test:" + UUID.randomUUID();
    List<AiAdmit.Budget> limit = List.of(new AiAdmit.Budget(key, 100));
    assertThat(admit(limit, "a", 80, 60_000).admitted()).isTrue();
    assertThat(admit(limit, "b", 80, 60_000).admitted()).as("80 held of 100: still under").isTrue();
    AiAdmission third = admit(limit, "c", 80, 60_000);
    assertThat(third.admitted()).isFalse();
    assertThat(third.refused()).isZero();
    assertThat(third.used()).isEqualTo(160);
    assertThat(settle(List.of(key), "a", 10)).containsExactly(10L);
    assertThat(settle(List.of(key), "b", 0)).as("a release").containsExactly(10L);
    assertThat(admit(limit, "d", 80, 60_000).admitted()).isTrue();
  }

  @Test
  @DisplayName("every budget takes the request or none does; the refusal names the one that refused")
  void allOrNone() throws Exception {
    String roomy = "test:" + UUID.randomUUID();
    String tight = "test:" + UUID.randomUUID();
    List<AiAdmit.Budget> both = List.of(new AiAdmit.Budget(roomy, 1_000), new AiAdmit.Budget(tight, 10));
    assertThat(admit(both, "x", 50, 60_000).admitted()).isTrue();
    AiAdmission refused = admit(both, "y", 50, 60_000);
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.refused()).isEqualTo(1);
    // The refused request held nothing in the roomy budget: one more fits there alone.
    assertThat(admit(List.of(new AiAdmit.Budget(roomy, 51)), "z", 1, 60_000).admitted()).isTrue();
    assertThat(admit(List.of(new AiAdmit.Budget(roomy, 51)), "w", 1, 60_000).admitted()).isFalse();
  }

  @Test
  @DisplayName("a reservation its node never settles (the node died) expires after its lease")
  void deadNodesReservationExpires() throws Exception {
    String key = "test:" + UUID.randomUUID();
    List<AiAdmit.Budget> limit = List.of(new AiAdmit.Budget(key, 100));
    assertThat(admit(limit, "dead", 500, 300).admitted()).isTrue();
    assertThat(admit(limit, "blocked", 1, 60_000).admitted()).isFalse();
    Eventually.within(5, () -> {
      try {
        return admit(limit, "after-" + UUID.randomUUID(), 1, 60_000).admitted();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // A late settlement of the expired hold still counts what was really spent.
    assertThat(settle(List.of(key), "dead", 30).get(0)).isEqualTo(30L);
  }
}
