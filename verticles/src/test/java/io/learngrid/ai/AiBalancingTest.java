package io.learngrid.ai;

import static io.learngrid.support.Simulators.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.CloseAfterAllExtension;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("Load balancing beyond weights: least-busy and peak-EWMA send less to a slow upstream")
@ExtendWith(CloseAfterAllExtension.class)
class AiBalancingTest {

  /** Both serve every model with the same weight: only their latency differs. */
  private static AiSimulatorVerticle fast;
  private static AiSimulatorVerticle slow;
  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();

  @BeforeAll
  static void start() {
    fast = upstreams.start(SimulatorSettings.defaults().withTiming(0, 0));
    // Slow enough that a held call outlasts the least-busy test's requests, even on a loaded machine.
    slow = upstreams.start(SimulatorSettings.defaults().withTiming(8_000, 0));
  }

  private static NodeSettings settings(String balancing) {
    return NodeSettings.defaults().aiUrl(url(fast)).aiUpstream("slow", url(slow))
        .with("AI_BALANCING", balancing).rateLimitAiChatPerMinute(100_000);
  }

  @Test
  @DisplayName("peak-ewma: after one call shows the slow upstream slow, sequential requests go to the fast one")
  void peakEwmaAvoidsTheSlowUpstream() throws Exception {
    try (TestNode node = settings("peak-ewma").start()) {
      Api.Account student = node.api().account("student");
      long fastBefore = fast.chatRequests();
      long slowBefore = slow.chatRequests();
      int requests = 30;
      for (int i = 0; i < requests; i++) {
        assertThat(chat(node.api(), student.token())).isEqualTo(200);
      }
      long toSlow = slow.chatRequests() - slowBefore;
      long toFast = fast.chatRequests() - fastBefore;
      assertThat(toSlow + toFast).isEqualTo(requests);
      // An upstream never used costs 0 and is tried once; then its 8 s keep it last for a minute and more.
      assertThat(toSlow).isBetween(1L, 2L);
      assertUsageRows(student.id(), toFast, toSlow);
    }
  }

  @Test
  @DisplayName("least-busy: while the slow upstream still holds a call, every new request goes to the idle fast one")
  void leastBusyAvoidsTheSlowUpstream() throws Exception {
    try (TestNode node = settings("least-busy").start()) {
      Api.Account student = node.api().account("student");
      long fastBefore = fast.chatRequests();
      long slowBefore = slow.chatRequests();
      int requests = 16;
      List<CompletableFuture<Integer>> held = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        long toSlow = slow.chatRequests();
        long toFast = fast.chatRequests();
        CompletableFuture<Integer> reply = CompletableFuture.supplyAsync(() -> chat(node.api(), student.token()));
        // Each request is answered by the fast upstream, or is being held by the slow one, before the next.
        Eventually.within(20, () -> reply.isDone() || slow.chatRequests() > toSlow);
        if (reply.isDone()) {
          assertThat(reply.join()).isEqualTo(200);
          assertThat(fast.chatRequests()).isEqualTo(toFast + 1);
        } else {
          held.add(reply);
        }
      }
      held.forEach(reply -> assertThat(reply.join()).isEqualTo(200));
      long toSlow = slow.chatRequests() - slowBefore;
      long toFast = fast.chatRequests() - fastBefore;
      assertThat(toSlow + toFast).isEqualTo(requests);
      // A weighted draw would send half of them to the slow upstream. Least-busy draws only between
      // equals: while the slow one holds a call (8 s) the fast one, idle between requests, is less busy.
      assertThat(toSlow).as("requests to the slow upstream (fast: %d)", toFast).isLessThanOrEqualTo(1);
      assertUsageRows(student.id(), toFast, toSlow);
    }
  }

  /** The choice is in the usage rows: the upstream column counts what each simulator saw. */
  private static void assertUsageRows(String userId, long toFast, long toSlow) throws InterruptedException {
    String count = "SELECT count(*) FROM ai_usage WHERE user_id = ?::uuid AND upstream = ?";
    Eventually.within(10, () -> ((Number) Database.value(count, userId, "default")).longValue() == toFast
        && ((Number) Database.value(count, userId, "slow")).longValue() == toSlow);
  }

  private static int chat(Api api, String token) {
    JsonObject body = new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "balance " + UUID.randomUUID())));
    return api.post("/api/v1/ai/chat", body, token).status();
  }
}
