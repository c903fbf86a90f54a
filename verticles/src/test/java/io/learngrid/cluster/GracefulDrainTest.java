package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.learngrid.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node told to stop (SIGTERM)")
class GracefulDrainTest {

  @Test
  @DisplayName("reports not ready at once, keeps serving through the grace, then closes its port and leaves the map")
  void drains() throws Exception {
    // Long enough for the checks below on a busy machine; the stop is awaited, not slept through.
    TestNode node = NodeSettings.defaults().shutdownGraceMillis(6000).shutdownTimeoutMillis(5000).start();
    Api api = node.api();
    String admin = api.adminToken();
    assertThat(api.get("/health/ready", null).status()).isEqualTo(200);

    long started = System.nanoTime();
    Future<Void> stopped = node.node().stop();

    // Readiness turns 503 before the grace ends, and the membership entry says so too...
    assertThat(api.get("/health/ready", null).status()).isEqualTo(503);
    List<JsonObject> entries = NodeRegistryVerticle.list(node.node().vertx()).await(5, TimeUnit.SECONDS);
    assertThat(entries).singleElement().satisfies(entry -> assertThat(entry.getBoolean("ready")).isFalse());
    // ...while ordinary requests, new connections included, are still answered.
    Api.Reply me = api.get("/api/v1/me", admin);
    assertThat(me.status()).isEqualTo(200);
    assertThat(api.get("/api/v1/courses", admin).status()).isEqualTo(200);
    long servedAfterMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(stopped.isComplete()).as("served within the grace (%d ms after stop)", servedAfterMillis).isFalse();

    stopped.await(1, TimeUnit.MINUTES);
    assertThat((System.nanoTime() - started) / 1_000_000).as("the grace was waited for").isGreaterThanOrEqualTo(6000);
    // The port is closed: the client cannot connect any more.
    assertThatThrownBy(() -> api.get("/health", null)).isInstanceOf(RuntimeException.class);
  }

  @Test
  @DisplayName("finishes a request in flight (a slow AI call) before it stops")
  void inFlightRequestFinishes() throws Exception {
    try (Simulators upstreams = new Simulators()) {
      // The first token after 3 s: long enough for the stop to begin while the call is upstream.
      AiSimulatorVerticle simulator = upstreams.start(SimulatorSettings.defaults()
          .withHost("127.0.0.1").withPort(0).withTiming(3_000, 1));
      TestNode node = NodeSettings.defaults().aiUrl(Simulators.url(simulator)).shutdownTimeoutMillis(30_000).start();
      Api api = node.api();
      String admin = api.adminToken();
      JsonObject chat = new JsonObject().put("messages", new io.vertx.core.json.JsonArray()
          .add(new JsonObject().put("role", "user").put("content", "Explain fractions")));
      CompletableFuture<Api.Reply> reply = CompletableFuture.supplyAsync(() -> api.post("/api/v1/ai/chat", chat, admin));
      Eventually.within(30, () -> simulator.chatRequests() == 1);

      Future<Void> stopped = node.node().stop();
      Api.Reply answered = reply.get(1, TimeUnit.MINUTES);
      assertThat(answered.status()).as(answered.body()).isEqualTo(200);
      assertThat(answered.json().getJsonObject("message").getString("content")).isNotBlank();
      stopped.await(1, TimeUnit.MINUTES);
    }
  }

  @Test
  @DisplayName("stopping twice is one drain")
  void idempotent() throws Exception {
    TestNode node = NodeSettings.defaults().start();
    Future<Void> first = node.node().stop();
    assertThat(node.node().stop()).isSameAs(first);
    first.await(1, TimeUnit.MINUTES);
  }
}
