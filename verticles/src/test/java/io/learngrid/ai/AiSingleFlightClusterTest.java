package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.ScriptedUpstream;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AI single-flight across a cluster: identical prompts on two nodes cost one upstream call")
class AiSingleFlightClusterTest {

  private static final ExecutorService clients = Executors.newFixedThreadPool(8);

  @CloseAfterAll
  private static ScriptedUpstream upstream;
  @CloseAfterAll
  private static TestNode one;
  @CloseAfterAll
  private static TestNode two;
  private static String student;

  @BeforeAll
  static void start() {
    upstream = new ScriptedUpstream(new ScriptedUpstream.Reply("an answer"));
    String cluster = TestNode.newClusterName();
    one = settings(cluster).start();
    two = settings(cluster).roles("http,ai").start();
    Api api = one.api();
    student = api.login(api.registerStudent("student-password"), "student-password");
  }

  private static NodeSettings settings(String cluster) {
    return NodeSettings.defaults().cluster(cluster).aiUrl(upstream.url()).aiMaxRetries(0)
        // The load lock lives this long: a waiter that only got the reply by outliving it would take a minute.
        .aiTimeoutMillis(60_000);
  }

  @AfterAll
  static void stop() {
    clients.shutdownNow();
  }

  @Test
  @DisplayName("node two waits for node one's call and serves its reply; the callers on node one share the same call")
  void identicalPromptsShareOneCallAcrossNodes() throws Exception {
    JsonObject body = chat("shared " + UUID.randomUUID());
    int before = upstream.requests();
    upstream.play(new ScriptedUpstream.Hold(), new ScriptedUpstream.Reply("not asked for"));
    double chatsBefore = chatsReceived();
    double cachedBefore = cachedRequests();
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    replies.add(post(one, body));
    Eventually.within(10, () -> upstream.requests() == before + 1);
    for (int i = 0; i < 3; i++) {
      replies.add(post(two, body));
      replies.add(post(one, body));
    }
    // Every request has reached its node's ai role, and node two's three share one waiter, which
    // polls the cache role for node one's reply.
    Eventually.within(10, () -> waiting(two) == 1 && chatsReceived() == chatsBefore + 7);
    // The call outlives its lock's first lifetime: node one renews it, so node two keeps waiting
    // instead of taking it over. (The wait is the subject here, not a stand-in for a signal.)
    Thread.sleep(ResponseCache.LOCK_MILLIS + 1_500);
    assertThat(upstream.requests() - before).isEqualTo(1);
    upstream.answerHeld(new ScriptedUpstream.Reply("the shared answer"));

    List<Reply> done = replies.stream().map(CompletableFuture::join).toList();
    assertThat(done).allSatisfy(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().getJsonObject("message").getString("content")).isEqualTo("the shared answer");
    });
    assertThat(done.stream().filter(reply -> !reply.json().getBoolean("cached"))).hasSize(1);
    assertThat(upstream.requests() - before).isEqualTo(1);
    assertThat(waiting(two)).isZero();
    // The six that did not pay are counted as cached requests (with usage rows at no cost).
    assertThat(cachedRequests() - cachedBefore).isEqualTo(6);
  }

  @Test
  @DisplayName("a call that fails gives up its lock at once: the waiting node calls the upstream itself")
  void failedCallReleasesTheLock() throws Exception {
    JsonObject body = chat("released " + UUID.randomUUID());
    int before = upstream.requests();
    upstream.play(new ScriptedUpstream.Hold(), new ScriptedUpstream.Reply("the second try"));
    CompletableFuture<Reply> first = post(one, body);
    Eventually.within(10, () -> upstream.requests() == before + 1);
    CompletableFuture<Reply> second = post(two, body);
    Eventually.within(10, () -> waiting(two) == 1);

    long released = System.nanoTime();
    upstream.answerHeld(new ScriptedUpstream.Fail(400));
    assertThat(first.join().status()).isNotEqualTo(200);
    Reply reply = second.join();
    long waitedMillis = (System.nanoTime() - released) / 1_000_000;

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getJsonObject("message").getString("content")).isEqualTo("the second try");
    assertThat(reply.json().getBoolean("cached")).isFalse();
    assertThat(upstream.requests() - before).isEqualTo(2);
    // Released, the lock is node two's at its next poll (every 200 ms). Left to lapse, it would have
    // held at least until 2 s after the failure: it was last renewed at most 1 s before, for 3 s.
    assertThat(waitedMillis).isLessThan(ResponseCache.LOCK_MILLIS - ResponseCache.RENEW_MILLIS);
  }

  /** On threads of their own: every request is in flight at once, whatever the machine's core count. */
  private static CompletableFuture<Reply> post(TestNode node, JsonObject body) {
    return CompletableFuture.supplyAsync(() -> node.api().post("/api/v1/ai/chat", body, student), clients);
  }

  private static double waiting(TestNode node) {
    return sum(node, "learngrid_ai_single_flight_waiting", "");
  }

  /**
   * Chat requests the ai roles have received. Summed over both nodes: two Vert.x instances in one
   * JVM share the default Micrometer backend, so their bus meters all show on the first node.
   */
  private static double chatsReceived() {
    return sum(one, "vertx_eventbus_received_total", "address=\"learngrid.ai.chat\"")
        + sum(two, "vertx_eventbus_received_total", "address=\"learngrid.ai.chat\"");
  }

  private static double cachedRequests() {
    return sum(one, "learngrid_ai_requests_total", "upstream=\"cache\"")
        + sum(two, "learngrid_ai_requests_total", "upstream=\"cache\"");
  }

  /** The sum of a metric's series on {@code node} whose labels contain {@code labels}. */
  private static double sum(TestNode node, String metric, String labels) {
    double sum = 0;
    for (String line : node.api().get("/metrics", null).body().split("\n")) {
      if ((line.startsWith(metric + "{") || line.startsWith(metric + " ")) && line.contains(labels)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }
}
