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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("More AI calls at once than upstream sockets")
class AiPoolQueueTest {

  private static Vertx upstreams;
  private static AiSimulatorVerticle simulator;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    upstreams = Vertx.vertx();
    // Each answer takes 400 ms, four times the connect timeout below.
    simulator = new AiSimulatorVerticle(SimulatorSettings.defaults().withTiming(400, 1));
    upstreams.deployVerticle(simulator).await(30, TimeUnit.SECONDS);
    Map<String, String> settings = TestNode.settings();
    settings.put("LEARNGRID_AI_URL", "http://127.0.0.1:" + simulator.actualPort());
    settings.put("LEARNGRID_AI_POOL_SIZE", "1");
    settings.put("LEARNGRID_AI_CONNECT_TIMEOUT_MS", "100");
    settings.put("LEARNGRID_AI_MAX_RETRIES", "0");
    // One failure counted against the upstream would open its circuit.
    settings.put("LEARNGRID_AI_BREAKER_MAX_FAILURES", "1");
    node = TestNode.start(settings);
    api = node.api();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    upstreams.close().await(30, TimeUnit.SECONDS);
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
