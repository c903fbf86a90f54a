package io.learngrid.ai;

import static io.learngrid.support.Simulators.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.learngrid.support.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The AI gateway in front of three simulated upstreams")
@LearngridNode
class AiGatewayTest {

  /** Serves the default model; answers after 300 ms so that concurrent identical prompts overlap. */
  private static AiSimulatorVerticle primary;
  /** Serves only backup-model: the model fallback when the primary fails. */
  private static AiSimulatorVerticle backup;
  /** Serves only slow-model, a token every 100 ms: a stream that is still running when a client leaves. */
  private static AiSimulatorVerticle slow;
  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static NodeSettings settings;
  private final Api api;

  AiGatewayTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    primary = upstreams.start(SimulatorSettings.defaults().withTiming(300, 1).withRetryAfter(1));
    backup = upstreams.start(SimulatorSettings.defaults().withTiming(0, 1));
    slow = upstreams.start(SimulatorSettings.defaults().withTiming(0, 100).withMaxTokens(200));
    settings = NodeSettings.defaults().aiUrl(url(primary)).aiModels("learngrid-sim")
        .aiUpstream("backup", url(backup)).aiUpstreamModels("backup", "backup-model").aiUpstreamWeight("backup", 2)
        .aiUpstream("slow", url(slow)).aiUpstreamModels("slow", "slow-model")
        .aiMaxRetries(2).aiRetryBaseMillis(1).aiRetryMaxMillis(3000).aiFirstByteTimeoutMillis(1500)
        // Breakers are AiBreakerTest's subject; here they must not open on the faults these tests plan.
        .aiBreakerMaxFailures(1000)
        .aiUserDailyTokens(300).aiPrices("learngrid-sim:1:2")
        // Requests reserve their prompt and 1 completion token: six identical prompts at once fit in
        // the 300-token budget (a default reservation of 1,024 would let only the first one in).
        .with("AI_RESERVE_MAX_TOKENS", 1);
  }

  @Test
  @DisplayName("retries an upstream that answers 500 twice and returns its third answer")
  void retriesThenSucceeds() {
    String student = student();
    long before = primary.chatRequests();
    primary.planFaults("500", "500");
    Reply reply = api.post("/api/v1/ai/chat", chat(unique("retry")), student);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getString("model")).isEqualTo("learngrid-sim");
    assertThat(reply.json().getBoolean("cached")).isFalse();
    assertThat(primary.chatRequests() - before).isEqualTo(3);
  }

  @Test
  @DisplayName("waits at least the Retry-After of a 429 before trying again")
  void honoursRetryAfter() {
    String student = student();
    long before = primary.chatRequests();
    primary.planFaults("429");
    long started = System.nanoTime();
    Reply reply = api.post("/api/v1/ai/chat", chat(unique("retry-after")), student);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(reply.status()).isEqualTo(200);
    assertThat(primary.chatRequests() - before).isEqualTo(2);
    // Retry-After: 1 from the simulator; our own backoff alone (base 1 ms) would retry within milliseconds.
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(1_000);
  }

  @Test
  @DisplayName("falls back to the next upstream and its model when the first one keeps failing")
  void fallsBackToTheNextUpstream() {
    String student = student();
    long backupBefore = backup.chatRequests();
    primary.planFaults("500", "500", "500");
    Reply reply = api.post("/api/v1/ai/chat", chat(unique("fallback")), student);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getString("model")).isEqualTo("backup-model");
    assertThat(backup.chatRequests() - backupBefore).isEqualTo(1);
  }

  @Test
  @DisplayName("identical concurrent prompts cost one upstream call; a later identical prompt is served from the cache")
  void identicalPromptsShareOneCall() {
    String student = student();
    JsonObject body = chat(unique("single-flight"));
    long before = primary.chatRequests();
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      replies.add(CompletableFuture.supplyAsync(() -> api.post("/api/v1/ai/chat", body, student)));
    }
    List<Reply> done = replies.stream().map(CompletableFuture::join).toList();
    assertThat(done).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
    assertThat(done.stream().map(reply -> reply.json().getJsonObject("message")).distinct()).hasSize(1);
    assertThat(done.stream().filter(reply -> !reply.json().getBoolean("cached"))).hasSizeLessThanOrEqualTo(1);
    assertThat(primary.chatRequests() - before).isEqualTo(1);

    Reply again = api.post("/api/v1/ai/chat", body, student);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getBoolean("cached")).isTrue();
    assertThat(again.json().getJsonObject("message")).isEqualTo(done.get(0).json().getJsonObject("message"));
    assertThat(primary.chatRequests() - before).isEqualTo(1);
  }

  @Test
  @DisplayName("answers 429 with Retry-After once a user's daily token budget is used up")
  void budgetExceeded() {
    String student = student();
    Reply last = null;
    for (int i = 0; i < 20; i++) {
      last = api.post("/api/v1/ai/chat", chat(unique("budget")), student);
      if (last.status() != 200) {
        break;
      }
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(last.json().getString("detail")).contains("budget");
    assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 86_400);
    // Another user still has a budget of their own.
    assertThat(api.post("/api/v1/ai/chat", chat(unique("budget-other")), student()).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("streams the upstream's tokens as delta events ending with done and the usage")
  void streams() throws Exception {
    double relayedBefore = relayedTokens();
    try (Sse sse = Sse.post(api.base(), "/api/v1/ai/chat", chat(unique("stream")).put("stream", true), student())) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).isEqualTo("text/event-stream");
      List<String> events = sse.rest();
      assertThat(events).isNotEmpty();
      List<String> deltas = events.subList(0, events.size() - 1);
      assertThat(deltas).allSatisfy(event -> assertThat(event).startsWith("data: {\"delta\":"));
      JsonObject done = new JsonObject(events.get(events.size() - 1).substring("data: ".length()));
      assertThat(done.getBoolean("done")).isTrue();
      assertThat(done.getJsonObject("usage").getInteger("completionTokens")).isEqualTo(deltas.size());
      assertThat(done.getJsonObject("usage").getInteger("promptTokens")).isPositive();
      // Each relayed token is timed from its upstream read to its write to the client.
      assertThat(relayedTokens() - relayedBefore).isGreaterThanOrEqualTo(deltas.size());
    }
  }

  private double relayedTokens() {
    return api.get("/metrics", null).body().lines()
        .filter(line -> line.startsWith("learngrid_ai_stream_relay_seconds_count "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
        .sum();
  }

  @Test
  @DisplayName("a client that leaves mid-stream cancels the upstream request")
  void clientDisconnectCancelsUpstream() throws Exception {
    long cancelledBefore = slow.cancelledRequests();
    Sse sse = Sse.post(api.base(), "/api/v1/ai/chat",
        chat(unique("leave")).put("model", "slow-model").put("stream", true), student());
    assertThat(sse.status()).isEqualTo(200);
    assertThat(sse.next()).startsWith("data: {\"delta\":");
    sse.close();
    Eventually.within(20, () -> slow.cancelledRequests() == cancelledBefore + 1);
    assertThat(slow.completedRequests()).isZero();
  }

  @Test
  @DisplayName("an upstream that hangs before its first byte is abandoned and retried")
  void hungUpstreamIsRetried() throws Exception {
    long before = primary.chatRequests();
    long cancelledBefore = primary.cancelledRequests();
    primary.planFaults("hang");
    try (Sse sse = Sse.post(api.base(), "/api/v1/ai/chat", chat(unique("hang")).put("stream", true), student())) {
      assertThat(sse.status()).isEqualTo(200);
      List<String> events = sse.rest();
      assertThat(events.get(events.size() - 1)).startsWith("data: {\"done\":true");
    }
    assertThat(primary.chatRequests() - before).isEqualTo(2);
    Eventually.within(10, () -> primary.cancelledRequests() == cancelledBefore + 1);
  }

  @Test
  @DisplayName("a whole reply that does not come within the first-byte deadline is abandoned and retried in time")
  void hungWholeReplyIsRetried() throws Exception {
    long before = primary.chatRequests();
    long cancelledBefore = primary.cancelledRequests();
    primary.planFaults("hang");
    long started = System.nanoTime();
    Reply reply = api.post("/api/v1/ai/chat", chat(unique("hang-whole")), student());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(primary.chatRequests() - before).isEqualTo(2);
    // Given up at the first-byte deadline (1.5 s), not at the total one (30 s).
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(10));
    Eventually.within(10, () -> primary.cancelledRequests() == cancelledBefore + 1);
  }

  @Test
  @DisplayName("an upstream that drops the connection mid-stream is not retried: the stream ends without done")
  void midStreamDisconnectIsNotRetried() throws Exception {
    long before = primary.chatRequests();
    primary.planFaults("disconnect");
    try (Sse sse = Sse.post(api.base(), "/api/v1/ai/chat", chat(unique("drop")).put("stream", true), student())) {
      assertThat(sse.status()).isEqualTo(200);
      List<String> events = sse.rest();
      assertThat(events).isNotEmpty().noneMatch(event -> event.contains("\"done\""));
    }
    assertThat(primary.chatRequests() - before).isEqualTo(1);
  }

  @Test
  @DisplayName("records each request's usage and cost in PostgreSQL and counts it in the metrics")
  void recordsUsage() throws Exception {
    Api.Account student = api.account("student");
    Reply reply = api.post("/api/v1/ai/chat", chat(unique("usage")), student.token());
    assertThat(reply.status()).isEqualTo(200);
    JsonObject usage = reply.json().getJsonObject("usage");
    String sql = "SELECT count(*) FROM ai_usage WHERE user_id = ?::uuid AND NOT cached AND upstream = 'default'"
        + " AND prompt_tokens = ? AND completion_tokens = ? AND cost = ? AND model = 'learngrid-sim'";
    BigDecimal cost = BigDecimal.valueOf(usage.getInteger("promptTokens") / 1000.0
        + usage.getInteger("completionTokens") * 2 / 1000.0);
    Eventually.within(10, () -> ((Number) Database.value(sql, student.id(), usage.getInteger("promptTokens"),
        usage.getInteger("completionTokens"), cost)).intValue() == 1);

    String metrics = api.get("/metrics", null).body();
    assertThat(metrics).contains("learngrid_ai_requests_total{model=\"learngrid-sim\",outcome=\"ok\",upstream=\"default\"}");
    assertThat(metrics).contains("learngrid_ai_tokens_total{kind=\"completion\"}");
    assertThat(metrics).contains("learngrid_ai_cost_total");
    assertThat(metrics).contains("learngrid_ai_duration_seconds_bucket");
    assertThat(metrics).contains("learngrid_ai_breaker_state{upstream=\"backup\"} 0.0");
  }

  private String student() {
    return api.login(api.registerStudent("student-password"), "student-password");
  }

  private static String unique(String what) {
    return what + " " + UUID.randomUUID();
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
  }
}
