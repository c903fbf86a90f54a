package io.learngrid.gateway;

import static io.learngrid.support.Simulators.url;
import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.simulator.AiSimulatorVerticle;
import io.learngrid.simulator.SimulatorSettings;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.PythonWorkers;
import io.learngrid.support.Simulators;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} Python SDK (the venv of PythonWorkers) against a real node, unchanged
 * but for {@code base_url}: {@code src/test/resources/openai/sdk_check.py} makes the calls and
 * prints what it saw; the content it got is held against the simulator's own answers.
 */
@DisplayName("The official openai Python SDK against the /v1 surface")
@LearngridNode
class OpenAiSdkTest {

  @CloseAfterAll
  private static final Simulators upstreams = new Simulators();
  private static AiSimulatorVerticle simulator;
  private static NodeSettings settings;
  private final Api api;

  OpenAiSdkTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    simulator = upstreams.start(SimulatorSettings.defaults().withTiming(0, 1).withRetryAfter(1));
    // No retries in the gateway: the 503 of the planned upstream failure reaches the SDK, which retries.
    settings = NodeSettings.defaults().aiUrl(url(simulator)).aiModels("learngrid-sim").aiMaxRetries(0)
        .aiBreakerMaxFailures(1000).rateLimitAiChatPerMinute(1_000_000);
  }

  @Test
  @DisplayName("create (plain and streamed), models.list, RateLimitError over budget, AuthenticationError, the SDK's own retry")
  void sdkWorksUnchanged() throws Exception {
    String teacher = api.account("teacher").token();
    String key = createKey(teacher, new JsonObject().put("name", "sdk"));
    String small = createKey(teacher, new JsonObject().put("name", "small").put("dailyTokens", 1));
    String run = UUID.randomUUID().toString();

    JsonObject seen = runScript(key, small, run);

    assertThat(seen.getString("plain")).isEqualTo(direct("plain " + run, 50));
    assertThat(seen.getString("plainModel")).isEqualTo("learngrid-sim");
    assertThat(seen.getString("plainFinish")).isIn("stop", "length");
    assertThat(seen.getInteger("plainTotal")).isPositive();
    assertThat(seen.getString("overheadHeader")).matches("[0-9]+\\.[0-9]{3}");
    assertThat(seen.getString("streamed")).isEqualTo(direct("streamed " + run, null)).isNotEmpty();
    assertThat(seen.getInteger("streamedUsage")).isPositive();
    assertThat(seen.getJsonArray("streamedObjects")).containsExactly("chat.completion.chunk");
    assertThat(seen.getJsonArray("models")).contains("learngrid-sim");
    assertThat(seen.getString("badKey")).isEqualTo("AuthenticationError");
    assertThat(seen.getString("badKeyCode")).isEqualTo("invalid_api_key");
    assertThat(seen.getString("overBudget")).isEqualTo("RateLimitError");
    assertThat(seen.getString("overBudgetCode")).isEqualTo("insufficient_quota");
    // x-should-retry: false, so the SDK does not spend its retries on a budget that lasts until midnight.
    assertThat(seen.getDouble("overBudgetSeconds")).isLessThan(2.0);
    assertThat(seen.getString("retried")).isEqualTo(direct("retried " + run, null));
    assertThat(seen.getInteger("retries")).isEqualTo(1);
  }

  private String createKey(String token, JsonObject body) {
    Api.Reply created = api.post("/api/v1/me/api-keys", body, token);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().getString("key");
  }

  private JsonObject runScript(String key, String small, String run) throws Exception {
    Path script = Files.createTempFile("sdk_check", ".py");
    try (InputStream in = OpenAiSdkTest.class.getResourceAsStream("/openai/sdk_check.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path log = Files.createTempFile("sdk_check", ".log");
    ProcessBuilder builder = new ProcessBuilder(PythonWorkers.python().toString(), script.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("OPENAI_") || name.startsWith("LEARNGRID_"));
    builder.environment().put("LEARNGRID_BASE", api.base());
    builder.environment().put("KEY", key);
    builder.environment().put("SMALL_KEY", small);
    builder.environment().put("SIM", url(simulator));
    builder.environment().put("RUN", run);
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the SDK script finished").isTrue();
    List<String> lines = Files.readAllLines(log);
    assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
    return new JsonObject(lines.get(lines.size() - 1));
  }

  /** What the simulator itself answers to {@code prompt}: its answers depend on the prompt alone. */
  private static String direct(String prompt, Integer maxTokens) throws Exception {
    JsonObject body = new JsonObject().put("model", "learngrid-sim")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
    if (maxTokens != null) {
      body.put("max_tokens", maxTokens);
    }
    HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(url(simulator) + "/v1/chat/completions")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(reply.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content");
  }
}
