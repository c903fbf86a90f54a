package io.learngrid.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("API keys: /api/v1/me/api-keys and their use on /v1")
@LearngridNode
class ApiKeysTest {

  private final Api api;

  ApiKeysTest(Api api) {
    this.api = api;
  }

  private static JsonObject chat(String prompt, String model) {
    return new JsonObject().put("model", model)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
  }

  private Reply create(String token, JsonObject body) {
    return api.post("/api/v1/me/api-keys", body, token);
  }

  @Test
  @DisplayName("a teacher creates a key (shown once), lists it without the secret, uses it, and sees its last use")
  void createListUse() throws Exception {
    Api.Account teacher = api.account("teacher");
    Reply created = create(teacher.token(), new JsonObject().put("name", "quiz bot").put("dailyTokens", 50_000));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonObject key = created.json();
    assertThat(key.getString("key")).startsWith("lg_").hasSize(46);
    assertThat(key.getString("name")).isEqualTo("quiz bot");
    assertThat(key.getLong("dailyTokens")).isEqualTo(50_000L);
    assertThat(key.getValue("models")).isNull();
    assertThat(key.getString("createdAt")).isNotBlank();
    String hashStored = (String) Database.value("SELECT encode(key_hash, 'hex') FROM api_keys WHERE id = ?::uuid",
        key.getString("id"));
    assertThat(hashStored).hasSize(64).doesNotContain(key.getString("key"));

    Reply list = api.get("/api/v1/me/api-keys", teacher.token());
    assertThat(list.status()).isEqualTo(200);
    JsonArray items = list.json().getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("id")).isEqualTo(key.getString("id"));
    assertThat(items.getJsonObject(0).containsKey("key")).isFalse();
    assertThat(items.getJsonObject(0).getValue("lastUsedAt")).isNull();

    Reply used = api.post("/v1/chat/completions", chat("keyed " + UUID.randomUUID(), "learngrid-sim"), key.getString("key"));
    assertThat(used.status()).as(used.body()).isEqualTo(200);
    // Usage is attributed to the key and to its owner.
    Eventually.within(10, () -> ((Number) Database.value(
        "SELECT count(*) FROM ai_usage WHERE api_key_id = ?::uuid AND user_id = ?::uuid", key.getString("id"),
        teacher.id())).intValue() == 1);
    Eventually.within(15, () -> api.get("/api/v1/me/api-keys", teacher.token()).json().getJsonArray("items")
        .getJsonObject(0).getValue("lastUsedAt") != null);
    // A key is for /v1 only: /api/v1 takes access tokens.
    assertThat(api.get("/api/v1/me", key.getString("key")).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a streamed completion is OpenAI's chunks, the usage chunk when asked, then [DONE], with the overhead header")
  void streamedChunks() {
    String secret = create(api.account("teacher").token(), new JsonObject().put("name", "stream")).json().getString("key");
    Reply reply = api.post("/v1/chat/completions", chat("stream " + UUID.randomUUID(), "learngrid-sim")
        .put("stream", true).put("stream_options", new JsonObject().put("include_usage", true)), secret);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("text/event-stream");
    assertThat(reply.header("X-Learngrid-Overhead-Ms")).matches("[0-9]+\\.[0-9]{3}");
    List<String> events = Arrays.stream(reply.body().split("\n\n"))
        .filter(event -> event.startsWith("data: ")).map(event -> event.substring(6)).toList();
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    JsonObject first = new JsonObject(events.get(0));
    assertThat(first.getString("object")).isEqualTo("chat.completion.chunk");
    assertThat(first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"))
        .isEqualTo("assistant");
    JsonObject usage = new JsonObject(events.get(events.size() - 2));
    assertThat(usage.getJsonArray("choices")).isEmpty();
    assertThat(usage.getJsonObject("usage").getInteger("total_tokens")).isPositive();
    JsonObject last = new JsonObject(events.get(events.size() - 3));
    assertThat(last.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    StringBuilder content = new StringBuilder();
    events.subList(1, events.size() - 3).forEach(event -> content.append(new JsonObject(event).getJsonArray("choices")
        .getJsonObject(0).getJsonObject("delta").getString("content")));
    assertThat(content.toString()).isNotBlank();
    // The upstream's finish_reason is relayed: a max_tokens that cuts the answer short is "length".
    Reply cut = api.post("/v1/chat/completions", chat("cut " + UUID.randomUUID(), "learngrid-sim").put("stream", true)
        .put("max_tokens", 2), secret);
    assertThat(cut.body()).contains("\"finish_reason\":\"length\"");
    // One completion: the same id on every chunk.
    assertThat(events.subList(0, events.size() - 1).stream().map(e -> new JsonObject(e).getString("id")).distinct())
        .hasSize(1);
  }

  @Test
  @DisplayName("a password change refuses the keys made before it, as it refuses the older access tokens")
  void passwordChangeRefusesOlderKeys() {
    Api.Account teacher = api.account("teacher");
    String before = create(teacher.token(), new JsonObject().put("name", "old")).json().getString("key");
    assertThat(api.get("/v1/models", before).status()).isEqualTo(200);
    assertThat(api.post("/api/v1/me/password", new JsonObject().put("currentPassword", "account-password")
        .put("newPassword", "changed-password"), teacher.token()).status()).isEqualTo(204);
    assertThat(api.get("/v1/models", before).status()).isEqualTo(401);
    String fresh = api.login(teacher.email(), "changed-password");
    String after = create(fresh, new JsonObject().put("name", "new")).json().getString("key");
    assertThat(api.get("/v1/models", after).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("students may not have keys; bad bodies are 400")
  void whoAndWhat() {
    String student = api.account("student").token();
    assertThat(create(student, new JsonObject().put("name", "mine")).status()).isEqualTo(403);
    assertThat(api.get("/api/v1/me/api-keys", student).status()).isEqualTo(403);
    String teacher = api.account("teacher").token();
    assertThat(create(teacher, new JsonObject()).status()).isEqualTo(400);
    assertThat(create(teacher, new JsonObject().put("name", "x").put("dailyTokens", 0)).status()).isEqualTo(400);
    assertThat(create(teacher, new JsonObject().put("name", "x").put("models", new JsonArray())).status()).isEqualTo(400);
    assertThat(create(teacher, new JsonObject().put("name", "x").put("secret", "y")).status()).isEqualTo(400);
    assertThat(create(teacher, new JsonObject().put("name", "x".repeat(101))).status()).isEqualTo(400);
    assertThat(create(api.adminToken(), new JsonObject().put("name", "admin key")).status()).isEqualTo(201);
  }

  @Test
  @DisplayName("only the owner deletes a key; once deleted it is refused at once and gone from the list")
  void deleteRevokesAtOnce() {
    String owner = api.account("teacher").token();
    String other = api.account("teacher").token();
    JsonObject key = create(owner, new JsonObject().put("name", "to delete")).json();
    String secret = key.getString("key");
    assertThat(api.get("/v1/models", secret).status()).isEqualTo(200);

    assertThat(api.method("DELETE", "/api/v1/me/api-keys/" + key.getString("id"), other).status()).isEqualTo(404);
    assertThat(api.get("/v1/models", secret).status()).isEqualTo(200);
    assertThat(api.method("DELETE", "/api/v1/me/api-keys/not-an-id", owner).status()).isEqualTo(404);

    assertThat(api.method("DELETE", "/api/v1/me/api-keys/" + key.getString("id"), owner).status()).isEqualTo(204);
    Reply refused = api.get("/v1/models", secret);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("invalid_api_key");
    assertThat(api.get("/api/v1/me/api-keys", owner).json().getJsonArray("items")).isEmpty();
    assertThat(api.method("DELETE", "/api/v1/me/api-keys/" + key.getString("id"), owner).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a key's model allow-list: other models are model_not_found, and /v1/models lists only its own")
  void allowList() {
    String teacher = api.account("teacher").token();
    String secret = create(teacher, new JsonObject().put("name", "narrow").put("models", new JsonArray().add("other-model")))
        .json().getString("key");
    Reply refused = api.post("/v1/chat/completions", chat("allow " + UUID.randomUUID(), "learngrid-sim"), secret);
    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("model_not_found");
    Reply models = api.get("/v1/models", secret);
    assertThat(models.json().getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList())
        .doesNotContain("learngrid-sim");
    // The owner's access token is not bound by the key's list.
    assertThat(api.post("/v1/chat/completions", chat("allow " + UUID.randomUUID(), "learngrid-sim"), teacher).status())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a key's daily budget refuses with 429 insufficient_quota once spent, while its owner's token goes on")
  void keyBudget() {
    String teacher = api.account("teacher").token();
    String secret = create(teacher, new JsonObject().put("name", "tiny").put("dailyTokens", 1)).json().getString("key");
    assertThat(api.post("/v1/chat/completions", chat("budget " + UUID.randomUUID(), "learngrid-sim"), secret).status())
        .isEqualTo(200);
    Reply refused = api.post("/v1/chat/completions", chat("budget " + UUID.randomUUID(), "learngrid-sim"), secret);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("insufficient_quota");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("API key");
    assertThat(refused.header("x-should-retry")).isEqualTo("false");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 86_400);
    assertThat(api.post("/v1/chat/completions", chat("budget " + UUID.randomUUID(), "learngrid-sim"), teacher).status())
        .isEqualTo(200);
  }
}
