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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("More AI calls at once than upstream sockets")
@LearngridNode
class AiPoolQueueTest {

  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle simulator;
  private static NodeSettings settings;
  private final Api api;

  AiPoolQueueTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    // Each answer takes 400 ms, four times the connect timeout below.
    simulator = upstreams.start(SimulatorSettings.defaults().withTiming(400, 1));
    settings = NodeSettings.defaults().aiUrl(Simulators.url(simulator)).aiPoolSize(1).aiConnectTimeoutMillis(100)
        .aiMaxRetries(0)
        // One failure counted against the upstream would open its circuit.
        .aiBreakerMaxFailures(1);
  }

  @Test
  @DisplayName("calls beyond the pool wait for a socket within their deadline, and the circuit stays closed")
  void aFullPoolQueuesInsteadOfOpeningTheCircuit() {
    String student = api.account("student").token();
    List<CompletableFuture<Reply>> replies = IntStream.range(0, 3)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> api.post("/api/v1/ai/chat", new JsonObject()
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "queued " + i))),
            student)))
        .toList();

    // Three calls share one socket: the last waits about 800 ms for it, far past the connect timeout.
    assertThat(replies.stream().map(reply -> reply.join().status())).containsOnly(200);
    assertThat(simulator.chatRequests()).isEqualTo(3);
    assertThat(api.get("/health/ready", null).json().getJsonObject("checks").getString("ai")).isEqualTo("UP");
  }
}
