package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An AI upstream that fails every request")
class AiCircuitTest {

  private static final int BREAKER_FAILURES = 3;
  private static Vertx upstreamVertx;
  private static AiSimulatorVerticle upstream;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = new AiSimulatorVerticle(SimulatorSettings.defaults().withTiming(0, 0).withFaults(1.0, 0.0));
    upstreamVertx.deployVerticle(upstream).await(30, TimeUnit.SECONDS);
    Map<String, String> settings = TestNode.settings();
    settings.put("LEARNGRID_AI_URL", "http://127.0.0.1:" + upstream.actualPort());
    settings.put("LEARNGRID_AI_BREAKER_MAX_FAILURES", Integer.toString(BREAKER_FAILURES));
    settings.put("LEARNGRID_AI_BREAKER_RESET_MS", "600000");
    // One attempt per request, so that each request is one failure for the breaker.
    settings.put("LEARNGRID_AI_MAX_RETRIES", "0");
    node = TestNode.start(settings);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    upstreamVertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("gives 503 with Retry-After; once the circuit opens, calls stop reaching the upstream")
  void circuitOpens() {
    Api api = node.api();
    String student = api.login(api.registerStudent("student-password"), "student-password");
    JsonObject chat = new JsonObject().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello")));
    for (int i = 0; i < BREAKER_FAILURES; i++) {
      Reply failed = api.post("/api/v1/ai/chat", chat, student);
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.header("Retry-After")).isNotBlank();
    }
    long upstreamCalls = upstream.chatRequests();
    assertThat(upstreamCalls).isEqualTo(BREAKER_FAILURES);

    Reply open = api.post("/api/v1/ai/chat", chat, student);
    assertThat(open.status()).isEqualTo(503);
    assertThat(open.json().getString("detail")).contains("circuit");
    assertThat(upstream.chatRequests()).isEqualTo(upstreamCalls);
    assertThat(api.get("/health/ready", null).json().getJsonObject("checks").getString("ai")).isEqualTo("DOWN");
  }
}
