package io.learngrid.ai;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Eventually;
import io.learngrid.support.ScriptedUpstream;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AI single-flight across a cluster: identical prompts on two nodes cost one upstream call")
class AiSingleFlightClusterTest {

  private static final Pattern WAITING = Pattern.compile("(?m)^learngrid_ai_single_flight_waiting (\\S+)$");

  private static ScriptedUpstream upstream;
  private static TestNode one;
  private static TestNode two;
  private static String student;

  @BeforeAll
  static void start() {
    upstream = new ScriptedUpstream(new ScriptedUpstream.Reply("an answer"));
    String cluster = TestNode.newClusterName();
    Map<String, String> oneSettings = TestNode.clusterSettings(cluster);
    Map<String, String> twoSettings = TestNode.clusterSettings(cluster);
    twoSettings.put("LEARNGRID_ROLES", "http,ai");
    for (Map<String, String> settings : List.of(oneSettings, twoSettings)) {
      settings.put("LEARNGRID_AI_URL", upstream.url());
      settings.put("LEARNGRID_AI_MAX_RETRIES", "0");
      // The load lock lives this long: a waiter that only got the reply by outliving it would take a minute.
      settings.put("LEARNGRID_AI_TIMEOUT_MS", "60000");
    }
    one = TestNode.start(oneSettings);
    two = TestNode.start(twoSettings);
    Api api = one.api();
    student = api.login(api.registerStudent("student-password"), "student-password");
  }

  @AfterAll
  static void stop() throws Exception {
    two.close();
    one.close();
    upstream.close();
  }

  @Test
  @DisplayName("node two waits for node one's call and serves its reply; the callers on node one share the same call")
  void identicalPromptsShareOneCallAcrossNodes() throws Exception {
    JsonObject body = chat("shared " + UUID.randomUUID());
    int before = upstream.requests();
    upstream.play(new ScriptedUpstream.Hold(), new ScriptedUpstream.Reply("not asked for"));
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    replies.add(post(one, body));
    Eventually.within(10, () -> upstream.requests() == before + 1);
    for (int i = 0; i < 3; i++) {
      replies.add(post(two, body));
      replies.add(post(one, body));
    }
    // Node two's three requests share one waiter, which polls the cache role for node one's reply.
    Eventually.within(10, () -> waiting(two) == 1);
    upstream.answerHeld(new ScriptedUpstream.Reply("the shared answer"));

    List<Reply> done = replies.stream().map(CompletableFuture::join).toList();
    assertThat(done).allSatisfy(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().getJsonObject("message").getString("content")).isEqualTo("the shared answer");
    });
    assertThat(done.stream().filter(reply -> !reply.json().getBoolean("cached"))).hasSize(1);
    assertThat(upstream.requests() - before).isEqualTo(1);
    assertThat(waiting(two)).isZero();
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
    // Polls come every 200 ms; a lock left to lapse would have kept node two waiting for a minute.
    assertThat(waitedMillis).isLessThan(30_000);
  }

  private static CompletableFuture<Reply> post(TestNode node, JsonObject body) {
    return CompletableFuture.supplyAsync(() -> node.api().post("/api/v1/ai/chat", body, student));
  }

  private static double waiting(TestNode node) {
    Matcher matcher = WAITING.matcher(node.api().get("/metrics", null).body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }
}
