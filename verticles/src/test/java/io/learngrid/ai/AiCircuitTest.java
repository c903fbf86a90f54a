package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("An AI upstream that fails every request")
@LearngridNode
class AiCircuitTest {

  private static final int BREAKER_FAILURES = 3;
  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle upstream;
  private static NodeSettings settings;

  @BeforeAll
  static void start() {
    upstream = upstreams.start(SimulatorSettings.defaults().withTiming(0, 0).withFaults(1.0, 0.0));
    settings = NodeSettings.defaults().aiUrl(Simulators.url(upstream)).aiBreakerMaxFailures(BREAKER_FAILURES)
        .aiBreakerResetMillis(600_000)
        // One attempt per request, so that each request is one failure for the breaker.
        .aiMaxRetries(0);
  }

  @Test
  @DisplayName("gives 503 with Retry-After; once the circuit opens, calls stop reaching the upstream")
  void circuitOpens(Api api) {
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
