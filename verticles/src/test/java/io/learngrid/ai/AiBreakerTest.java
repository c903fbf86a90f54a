package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Circuit breakers of two AI upstreams that fail, then recover")
@LearngridNode
class AiBreakerTest {

  private static final int BREAKER_FAILURES = 2;
  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle first;
  private static AiSimulatorVerticle second;
  private static NodeSettings settings;

  @BeforeAll
  static void start() {
    first = upstreams.start(SimulatorSettings.defaults().withTiming(0, 0));
    second = upstreams.start(SimulatorSettings.defaults().withTiming(0, 0));
    settings = NodeSettings.defaults().aiUrl(Simulators.url(first)).aiUpstream("second", Simulators.url(second))
        .aiMaxRetries(0).aiBreakerMaxFailures(BREAKER_FAILURES).aiBreakerResetMillis(1500);
  }

  @Test
  @DisplayName("open everywhere: 503 with Retry-After at once, no upstream call, ai DOWN; after the reset a trial call closes them")
  void opensAndCloses(Api api) throws Exception {
    String student = api.login(api.registerStudent("student-password"), "student-password");
    first.planFaults("500", "500");
    second.planFaults("500", "500");
    for (int i = 0; i < BREAKER_FAILURES; i++) {
      // Each request tries both upstreams once: one failure for each breaker.
      Reply failed = api.post("/api/v1/ai/chat", chat(), student);
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.header("Retry-After")).isNotBlank();
    }
    assertThat(first.chatRequests()).isEqualTo(BREAKER_FAILURES);
    assertThat(second.chatRequests()).isEqualTo(BREAKER_FAILURES);

    Reply open = api.post("/api/v1/ai/chat", chat(), student);
    assertThat(open.status()).isEqualTo(503);
    assertThat(open.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(open.json().getString("detail")).contains("circuit is open");
    assertThat(Integer.parseInt(open.header("Retry-After"))).isBetween(1, 2);
    assertThat(first.chatRequests() + second.chatRequests()).isEqualTo(2L * BREAKER_FAILURES);
    assertThat(api.get("/health/ready", null).json().getJsonObject("checks").getString("ai")).isEqualTo("DOWN");
    assertThat(api.get("/metrics", null).body()).contains("learngrid_ai_breaker_state{upstream=\"default\"} 2.0");

    // The planned faults are spent: once a breaker lets its trial call through, the upstream answers.
    Eventually.within(20, () -> api.post("/api/v1/ai/chat", chat(), student).status() == 200);
    Eventually.within(20, () -> "UP".equals(
        api.get("/health/ready", null).json().getJsonObject("checks").getString("ai")));
  }

  @Test
  @DisplayName("an upstream failing every other call opens its breaker on the failure rate: 20 calls, half failed, and the 21st is refused at once")
  void opensOnAFailureRate() throws Exception {
    AiSimulatorVerticle flaky = upstreams.start(SimulatorSettings.defaults().withTiming(0, 0));
    String[] plan = new String[40];
    for (int i = 0; i < plan.length; i++) {
      plan[i] = i % 2 == 0 ? "500" : "none";
    }
    flaky.planFaults(plan);
    // Never 100 failures in a row: only the rate can open it.
    try (var node = NodeSettings.defaults().aiUrl(Simulators.url(flaky)).aiMaxRetries(0).aiBreakerMaxFailures(100)
        .aiBreakerResetMillis(60_000).rateLimitAiChatPerMinute(1_000).start()) {
      Api api = node.api();
      String student = api.login(api.registerStudent("student-password"), "student-password");
      int openedAt = -1;
      for (int i = 0; i < 30 && openedAt < 0; i++) {
        Reply reply = api.post("/api/v1/ai/chat", chat(), student);
        if (reply.status() == 503 && reply.json().getString("detail").contains("circuit is open")) {
          openedAt = i;
        } else {
          assertThat(reply.status()).as("call %d: %s", i, reply.body()).isEqualTo(i % 2 == 0 ? 503 : 200);
        }
      }
      assertThat(openedAt).as("the request the open breaker refused").isEqualTo(20);
      assertThat(flaky.chatRequests()).as("no upstream call once open").isEqualTo(20);
    }
  }

  private static JsonObject chat() {
    return new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "breaker " + UUID.randomUUID())));
  }
}
