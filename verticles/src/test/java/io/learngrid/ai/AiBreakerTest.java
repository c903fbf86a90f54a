package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Eventually;
import io.learngrid.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Circuit breakers of two AI upstreams that fail, then recover")
class AiBreakerTest {

  private static final int BREAKER_FAILURES = 2;
  private static Vertx upstreams;
  private static AiSimulatorVerticle first;
  private static AiSimulatorVerticle second;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    upstreams = Vertx.vertx();
    first = new AiSimulatorVerticle(SimulatorSettings.defaults().withTiming(0, 0));
    second = new AiSimulatorVerticle(SimulatorSettings.defaults().withTiming(0, 0));
    upstreams.deployVerticle(first).await(30, TimeUnit.SECONDS);
    upstreams.deployVerticle(second).await(30, TimeUnit.SECONDS);
    Map<String, String> settings = TestNode.settings();
    settings.put("LEARNGRID_AI_URL", "http://127.0.0.1:" + first.actualPort());
    settings.put("LEARNGRID_AI_UPSTREAMS", "second");
    settings.put("LEARNGRID_AI_UPSTREAM_SECOND_URL", "http://127.0.0.1:" + second.actualPort());
    settings.put("LEARNGRID_AI_MAX_RETRIES", "0");
    settings.put("LEARNGRID_AI_BREAKER_MAX_FAILURES", Integer.toString(BREAKER_FAILURES));
    settings.put("LEARNGRID_AI_BREAKER_RESET_MS", "1500");
    node = TestNode.start(settings);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    upstreams.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("open everywhere: 503 with Retry-After at once, no upstream call, ai DOWN; after the reset a trial call closes them")
  void opensAndCloses() throws Exception {
    Api api = node.api();
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

  private static JsonObject chat() {
    return new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "breaker " + UUID.randomUUID())));
  }
}
