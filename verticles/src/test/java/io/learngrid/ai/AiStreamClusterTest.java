package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.learngrid.support.Sse;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Streamed chat across a cluster: the http role on one node, the ai role on another")
class AiStreamClusterTest {

  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle upstream;
  @CloseAfterAll
  private static TestNode ai;
  @CloseAfterAll
  private static TestNode edge;

  @BeforeAll
  static void start() {
    // 60 tokens, 30 ms apart: long enough for a client to leave in the middle. The first one comes
    // after 700 ms, more than the 200 ms heartbeat: the client sees pings while it waits.
    upstream = upstreams.start(SimulatorSettings.defaults().withTiming(700, 30).withMaxTokens(60));
    String cluster = TestNode.newClusterName();
    ai = NodeSettings.defaults().cluster(cluster).roles("ai").aiUrl(Simulators.url(upstream)).aiHeartbeatMillis(200)
        .start();
    edge = NodeSettings.defaults().cluster(cluster).roles("http,persistence,cache").aiUrl(null).aiHeartbeatMillis(200)
        .start();
  }

  @Test
  @DisplayName("pings while the upstream is quiet; every token crosses the bus in order; the stream ends with done")
  void streamsAcrossNodes() throws Exception {
    Api api = edge.api();
    String student = api.login(api.registerStudent("student-password"), "student-password");
    JsonObject body = chat("across " + UUID.randomUUID());
    String whole = api.post("/api/v1/ai/chat", body, student).json().getJsonObject("message").getString("content");
    try (Sse sse = Sse.post(api.base(), "/api/v1/ai/chat", chat("across " + UUID.randomUUID()).put("stream", true),
        student)) {
      assertThat(sse.status()).isEqualTo(200);
      List<String> events = sse.rest();
      StringBuilder content = new StringBuilder();
      int deltas = 0;
      for (String event : events) {
        if (event.startsWith("data: {\"delta\"")) {
          content.append(new JsonObject(event.substring(6)).getString("delta"));
          deltas++;
        }
      }
      assertThat(deltas).isEqualTo(60);
      assertThat(events.get(0)).isEqualTo(": ping");
      // 60 deltas exceed the 32-delta window: the stream went on only because credits came back.
      assertThat(content.toString().split(" ")).hasSize(whole.split(" ").length);
      assertThat(events.get(events.size() - 1)).startsWith("data: {\"done\":true");
    }
  }

  @Test
  @DisplayName("a client leaving the http node cancels the upstream request on the ai node")
  void disconnectCancelsAcrossNodes() throws Exception {
    Api api = edge.api();
    String student = api.login(api.registerStudent("student-password"), "student-password");
    long cancelledBefore = upstream.cancelledRequests();
    Sse sse = Sse.post(api.base(), "/api/v1/ai/chat", chat("leave " + UUID.randomUUID()).put("stream", true), student);
    assertThat(sse.status()).isEqualTo(200);
    String event = sse.next();
    while (": ping".equals(event)) {
      event = sse.next();
    }
    assertThat(event).startsWith("data: {\"delta\":");
    sse.close();
    Eventually.within(20, () -> upstream.cancelledRequests() == cancelledBefore + 1);
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }
}
