package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearningFixture;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node whose requests need a role that no node runs")
class MissingRoleTest {

  @CloseAfterAll
  private static TestNode lonely;
  /** The AI gateway without anyone to record its usage. */
  @CloseAfterAll
  private static TestNode gateway;

  @BeforeAll
  static void start() {
    lonely = NodeSettings.defaults().roles("http").busTimeoutMillis(60_000).start();
    gateway = NodeSettings.defaults().roles("http,cache,ai").start();
  }

  @Test
  @DisplayName("answers 503 with Retry-After at once, not after the bus timeout")
  void missingRoleIsAnImmediate503() {
    Api api = lonely.api();
    long started = System.nanoTime();
    Reply reply = api.post("/api/v1/auth/login", new JsonObject().put("email", "a@b.c").put("password", "x"), null);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.header("Retry-After")).isEqualTo("5");
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    // The bus timeout is 60 s: anything near it would mean we waited for no one.
    assertThat(elapsedMillis).isLessThan(30_000);
  }

  @Test
  @DisplayName("reports not ready, with every dependency down")
  void notReady() {
    Reply ready = lonely.api().get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().getJsonObject("checks").getString("postgres")).isEqualTo("DOWN");
    assertThat(ready.json().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");
    assertThat(lonely.api().get("/health", null).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("an AI gateway with no persistence role still answers, and counts the usage rows it could not record")
  void usageWithoutPersistenceIsCounted() throws Exception {
    String token;
    try (LearningFixture fixture = LearningFixture.open()) {
      token = fixture.token(UUID.randomUUID().toString(), "student");
    }
    Api api = gateway.api();
    Reply chat = api.post("/api/v1/ai/chat", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "usage " + UUID.randomUUID()))), token);
    assertThat(chat.status()).isEqualTo(200);
    // Usage goes out in batches every half second; the one with this chat finds no persistence role.
    Eventually.within(10, () -> api.get("/metrics", null).body().contains("learngrid_ai_usage_dropped_total 1.0"));
  }
}
