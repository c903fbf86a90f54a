package io.learngrid.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.ScriptedUpstream;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("POST /v1/chat/completions and GET /v1/models: OpenAI's wire format in front of a scripted upstream")
@LearngridNode
class OpenAiSurfaceTest {

  @CloseAfterAll
  private static final ScriptedUpstream upstream = new ScriptedUpstream(new ScriptedUpstream.Reply("scripted answer"));
  private static NodeSettings settings;
  private final Api api;

  OpenAiSurfaceTest(Api api) {
    this.api = api;
  }

  @BeforeAll
  static void start() {
    settings = NodeSettings.defaults().aiUrl(upstream.url()).aiModels("learngrid-sim,other-model")
        .aiMaxRetries(0).aiBreakerMaxFailures(1000).rateLimitAiChatPerMinute(1_000_000);
  }

  private static JsonObject chat(String prompt) {
    return new JsonObject().put("model", "learngrid-sim")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  private String teacher() {
    return api.account("teacher").token();
  }

  @Test
  @DisplayName("answers a chat.completion with an access token, the upstream's content and usage, and the overhead header")
  void plainCompletion() {
    upstream.play(new ScriptedUpstream.Reply("scripted answer"));
    Reply reply = api.post("/v1/chat/completions", chat("plain " + UUID.randomUUID()), teacher());
    assertThat(reply.status()).isEqualTo(200);
    JsonObject json = reply.json();
    assertThat(json.getString("object")).isEqualTo("chat.completion");
    assertThat(json.getString("id")).startsWith("chatcmpl-");
    assertThat(json.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
        .isEqualTo("scripted answer");
    assertThat(json.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    assertThat(json.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(20);
    assertThat(reply.header("X-Learngrid-Overhead-Ms")).matches("[0-9]+\\.[0-9]{3}");
  }

  @Test
  @DisplayName("passes the fields it does not read (temperature, tools, unknown ones) to the upstream as they came")
  void passesUnknownFieldsThrough() {
    upstream.play(new ScriptedUpstream.Reply("scripted answer"));
    String marker = "passthrough " + UUID.randomUUID();
    JsonObject body = chat(marker).put("temperature", 0.25).put("top_p", 0.5).put("stop", new JsonArray().add("END"))
        .put("user", "u-1").put("response_format", new JsonObject().put("type", "text"))
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function")
            .put("function", new JsonObject().put("name", "lookup"))))
        .put("x_vendor_extension", new JsonObject().put("depth", 3));
    Reply reply = api.post("/v1/chat/completions", body, teacher());
    assertThat(reply.status()).isEqualTo(200);
    JsonObject sent = upstream.bodies().stream().map(JsonObject::new)
        .filter(b -> b.encode().contains(marker)).findFirst().orElseThrow();
    assertThat(sent.getDouble("temperature")).isEqualTo(0.25);
    assertThat(sent.getDouble("top_p")).isEqualTo(0.5);
    assertThat(sent.getJsonArray("stop")).containsExactly("END");
    assertThat(sent.getString("user")).isEqualTo("u-1");
    assertThat(sent.getJsonObject("response_format").getString("type")).isEqualTo("text");
    assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"))
        .isEqualTo("lookup");
    assertThat(sent.getJsonObject("x_vendor_extension").getInteger("depth")).isEqualTo(3);
    assertThat(sent.getString("model")).isEqualTo("learngrid-sim");
  }

  @Test
  @DisplayName("passes messages beyond role and text (tool calls, content parts) to the upstream unchanged")
  void passesRichMessagesThrough() {
    upstream.play(new ScriptedUpstream.Reply("scripted answer"));
    String marker = "rich " + UUID.randomUUID();
    JsonArray messages = new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", marker))))
        .add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
            .add(new JsonObject().put("id", "call_1").put("type", "function")
                .put("function", new JsonObject().put("name", "lookup").put("arguments", "{}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("content", "42"));
    Reply reply = api.post("/v1/chat/completions",
        new JsonObject().put("model", "learngrid-sim").put("messages", messages), teacher());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonObject sent = upstream.bodies().stream().map(JsonObject::new)
        .filter(b -> b.encode().contains(marker)).findFirst().orElseThrow();
    assertThat(sent.getJsonArray("messages")).isEqualTo(messages);
  }

  @Test
  @DisplayName("errors come in OpenAI's shape with OpenAI's statuses: 401 invalid_api_key, 400 invalid_request_error")
  void errorsInOpenAiShape() {
    Reply noKey = api.post("/v1/chat/completions", chat("x"), null);
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
    assertThat(noKey.header("Content-Type")).startsWith("application/json");

    Reply badKey = api.post("/v1/chat/completions", chat("x"), "lg_" + "A".repeat(43));
    assertThat(badKey.status()).isEqualTo(401);
    assertThat(badKey.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");

    Reply badToken = api.get("/v1/models", "not.a.jwt");
    assertThat(badToken.status()).isEqualTo(401);
    assertThat(api.get("/metrics", null).body())
        .containsPattern("learngrid_gateway_auth_total\\{credential=\"api-key\",outcome=\"refused\"[^}]*} [1-9]")
        .containsPattern("learngrid_gateway_auth_total\\{credential=\"access-token\",outcome=\"refused\"[^}]*} [1-9]");

    String token = teacher();
    Reply noMessages = api.post("/v1/chat/completions", new JsonObject().put("model", "learngrid-sim"), token);
    assertThat(noMessages.status()).isEqualTo(400);
    JsonObject error = noMessages.json().getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("param")).isEqualTo("messages");
    assertThat(error.getString("message")).contains("messages");

    Reply twoChoices = api.post("/v1/chat/completions", chat("x").put("n", 2), token);
    assertThat(twoChoices.status()).isEqualTo(400);
    Reply hot = api.post("/v1/chat/completions", chat("x").put("temperature", 7), token);
    assertThat(hot.status()).isEqualTo(400);
    assertThat(hot.json().getJsonObject("error").getString("param")).isEqualTo("temperature");
    Reply notJson = api.post("/v1/chat/completions", "{", token);
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().containsKey("error")).isTrue();

    Reply unknown = api.get("/v1/embeddings", token);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getJsonObject("error").getString("message")).isNotBlank();
  }

  @Test
  @DisplayName("a body over the AI routes' limit is a 413 in OpenAI's shape; a huge messages array a 400")
  void boundedSizes() {
    String token = teacher();
    Reply huge = api.post("/v1/chat/completions", chat("x".repeat(300 * 1024)), token);
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.json().getJsonObject("error").getString("code")).isEqualTo("request_too_large");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 2049; i++) {
      many.add(new JsonObject().put("role", "user").put("content", "x"));
    }
    Reply tooMany = api.post("/v1/chat/completions", new JsonObject().put("model", "m").put("messages", many), token);
    assertThat(tooMany.status()).isEqualTo(400);
  }

  @Test
  @DisplayName("an upstream that fails answers 503 with Retry-After in OpenAI's shape")
  void upstreamDown() {
    upstream.play(new ScriptedUpstream.Fail(503));
    try {
      Reply reply = api.post("/v1/chat/completions", chat("down " + UUID.randomUUID()), teacher());
      assertThat(reply.status()).isEqualTo(503);
      assertThat(Integer.parseInt(reply.header("Retry-After"))).isPositive();
      assertThat(reply.json().getJsonObject("error").getString("type")).isEqualTo("server_error");
      assertThat(reply.header("X-Learngrid-Overhead-Ms")).isNotNull();
    } finally {
      upstream.play(new ScriptedUpstream.Reply("scripted answer"));
    }
  }

  @Test
  @DisplayName("lists the deployment's models in OpenAI's list format")
  void listsModels() {
    Reply reply = api.get("/v1/models", teacher());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getString("object")).isEqualTo("list");
    List<String> ids = reply.json().getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList();
    assertThat(ids).contains("learngrid-sim", "other-model");
  }

  @Test
  @DisplayName("the v1 chat route carries the overhead header too and keeps its own reply shape")
  void v1ChatHasOverhead() {
    upstream.play(new ScriptedUpstream.Reply("scripted answer"));
    Reply reply = api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "v1 " + UUID.randomUUID()))), teacher());
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("X-Learngrid-Overhead-Ms")).matches("[0-9]+\\.[0-9]{3}");
    assertThat(reply.json().fieldNames()).containsExactlyInAnyOrder("message", "model", "usage", "cached");
    assertThat(Map.copyOf(reply.json().getJsonObject("message").getMap()).keySet())
        .containsExactlyInAnyOrder("role", "content");
  }
}
