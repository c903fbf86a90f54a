package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.bus.BusJson;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatStreamAccepted;
import io.learngrid.bus.ai.ChatStreamControl;
import io.learngrid.bus.ai.ChatStreamEvent;
import io.learngrid.bus.ai.ChatStreamStart;
import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.learngrid.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The ai side of the stream protocol, driven directly over the bus as an http role would. */
@DisplayName("Stream credits: the ai role sends no more deltas than it was granted")
@LearngridNode
class AiStreamCreditsTest {

  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle upstream;
  private static NodeSettings settings;
  private final TestNode node;

  AiStreamCreditsTest(TestNode node) {
    this.node = node;
  }

  @BeforeAll
  static void start() {
    // 200 tokens 50 ms apart: a stream still running when the silent http side is given up on (a fast
    // one would sit whole in the socket buffers by then, and there would be nothing left to cancel).
    upstream = upstreams.start(SimulatorSettings.defaults().withTiming(0, 50).withMaxTokens(200));
    settings = NodeSettings.defaults().aiUrl(Simulators.url(upstream)).aiHeartbeatMillis(200);
  }

  @Test
  @DisplayName("two credits: two deltas, then only pings until more credits come; then the rest and done")
  void deltasWaitForCredits() throws Exception {
    Vertx vertx = node.node().vertx();
    String events = "test.events." + UUID.randomUUID();
    BlockingQueue<ChatStreamEvent> received = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(events,
        message -> received.add(ChatStreamEvent.fromJson(message.body())));
    consumer.completion().await(10, TimeUnit.SECONDS);
    String streamId = UUID.randomUUID().toString();
    ChatStreamAccepted accepted = BusJson.fromJson(vertx.eventBus().<JsonObject>request(ChatStreamStart.ADDRESS,
            start(streamId, events, 2).toJson()).await(10, TimeUnit.SECONDS).body(), ChatStreamAccepted.class);

    assertThat(next(received).type()).isEqualTo(ChatStreamEvent.DELTA);
    assertThat(next(received).type()).isEqualTo(ChatStreamEvent.DELTA);
    // The upstream has a token every 50 ms; without credits, a heartbeat (200 ms) comes before any delta.
    ChatStreamEvent ping = next(received);
    assertThat(ping.type()).isEqualTo(ChatStreamEvent.PING);
    assertThat(ping.seq()).isEqualTo(2);

    vertx.eventBus().send(accepted.controlAddress(), ChatStreamControl.credit(streamId, 300).toJson());
    int deltas = 2;
    ChatStreamEvent event = next(received);
    while (!event.type().equals(ChatStreamEvent.DONE)) {
      if (event.type().equals(ChatStreamEvent.DELTA)) {
        deltas++;
      }
      event = next(received);
    }
    assertThat(deltas).isEqualTo(200);
    assertThat(event.usage().completionTokens()).isEqualTo(200);
    consumer.unregister();
  }

  @Test
  @DisplayName("an http side that answers no ping is taken for gone: the upstream request is cancelled")
  void silentHttpSideCancelsTheUpstream() throws Exception {
    long cancelledBefore = upstream.cancelledRequests();
    Vertx vertx = node.node().vertx();
    // Nobody listens on this address and nobody sends credits or answers pings.
    vertx.eventBus().request(ChatStreamStart.ADDRESS,
        start(UUID.randomUUID().toString(), "test.nobody." + UUID.randomUUID(), 1).toJson())
        .await(10, TimeUnit.SECONDS);
    Eventually.within(20, () -> upstream.cancelledRequests() == cancelledBefore + 1);
  }

  private static ChatStreamStart start(String streamId, String events, int credits) {
    return new ChatStreamStart(streamId, events, credits, null, null,
        List.of(new ChatMessage("user", "credits " + UUID.randomUUID())));
  }

  private static ChatStreamEvent next(BlockingQueue<ChatStreamEvent> received) throws InterruptedException {
    ChatStreamEvent event = received.poll(20, TimeUnit.SECONDS);
    assertThat(event).as("an event within 20 s").isNotNull();
    return event;
  }
}
