package io.learngrid.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("/v1 under the AI chat rate limit: OpenAI's 429 that the SDKs retry")
@LearngridNode
class OpenAiRateLimitTest {

  private static final NodeSettings settings = NodeSettings.defaults().rateLimitAiChatPerMinute(2);
  private final Api api;

  OpenAiRateLimitTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("past the per-user chat limit: 429 rate_limit_exceeded with Retry-After and RateLimit headers, retryable")
  void rateLimited() {
    String secret = api.post("/api/v1/me/api-keys", new JsonObject().put("name", "limited"), api.account("teacher").token())
        .json().getString("key");
    Reply last = null;
    for (int i = 0; i < 3; i++) {
      last = api.post("/v1/chat/completions", new JsonObject().put("model", "learngrid-sim").put("messages",
          new JsonArray().add(new JsonObject().put("role", "user").put("content", "limit " + UUID.randomUUID()))), secret);
    }
    assertThat(last.status()).isEqualTo(429);
    JsonObject error = last.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(error.getString("type")).isEqualTo("requests");
    assertThat(Integer.parseInt(last.header("Retry-After"))).isBetween(1, 60);
    assertThat(last.header("RateLimit-Limit")).isEqualTo("2");
    assertThat(last.header("x-should-retry")).as("a rate limit passes: the SDKs may retry").isNull();
  }
}
