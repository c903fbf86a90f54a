package io.learngrid.gateway;

import static io.learngrid.support.Simulators.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.Simulators;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The budget that check-then-charge could not keep: 1,000 requests of one key at once, each passing
 * a check of a budget nobody had spent yet. With reservations the day's spend (counted from the usage
 * rows) stays within the budget plus one request's reservation.
 */
@DisplayName("1,000 concurrent requests from one key with a 20,000-token daily budget")
@LearngridNode
class BudgetConcurrencyTest {

  private static final int REQUESTS = 1_000;
  private static final int BUDGET = 20_000;
  private static final int MAX_TOKENS = 60;
  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle simulator;
  private static NodeSettings settings;
  private final Api api;

  BudgetConcurrencyTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    // Answers after 20 ms, so that hundreds are in flight at once; 60 tokens each, ~1 ms apart.
    simulator = upstreams.start(SimulatorSettings.defaults().withTiming(20, 1));
    settings = NodeSettings.defaults().aiUrl(url(simulator)).aiModels("learngrid-sim").with("RATE_LIMITS", "off")
        .aiPoolSize(200).aiUserDailyTokens(100_000_000);
  }

  @Test
  @DisplayName("spend, counted from usage rows, is at most the budget plus one reservation")
  void spendStaysWithinOneReservation() throws Exception {
    String teacher = api.account("teacher").token();
    JsonObject key = api.post("/api/v1/me/api-keys", new JsonObject().put("name", "burst").put("dailyTokens", BUDGET),
        teacher).json();
    String prefix = "burst " + UUID.randomUUID() + " ";
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      JsonObject body = new JsonObject().put("model", "learngrid-sim").put("max_tokens", MAX_TOKENS)
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prefix + i)));
      replies.add(client.sendAsync(HttpRequest.newBuilder(URI.create(api.base() + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + key.getString("key"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> reply : replies) {
      int status = reply.join().statusCode();
      if (status == 200) {
        ok++;
      } else {
        assertThat(status).as(reply.join().body()).isEqualTo(429);
        refused++;
      }
    }
    int admitted = ok;
    assertThat(refused).as("requests refused once the budget was held").isPositive();
    Eventually.within(15, () -> ((Number) Database.value("SELECT count(*) FROM ai_usage WHERE api_key_id = ?::uuid",
        key.getString("id"))).intValue() == admitted);
    long spent = ((Number) Database.value(
        "SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM ai_usage WHERE api_key_id = ?::uuid",
        key.getString("id"))).longValue();
    // One request's reservation: its max_tokens, its prompt's estimate (4 characters a token) and 4 for the message.
    long reservation = MAX_TOKENS + (prefix.length() + 4 + 3) / 4 + 4;
    assertThat(spent).as("tokens spent by " + ok + " admitted requests").isGreaterThan(BUDGET / 2)
        .isLessThanOrEqualTo(BUDGET + reservation);
  }
}
