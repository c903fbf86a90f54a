package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node whose requests need a role that no node runs")
class MissingRoleTest {

  private static TestNode lonely;

  @BeforeAll
  static void start() {
    Map<String, String> settings = TestNode.settings();
    settings.put("LEARNGRID_ROLES", "http");
    settings.put("LEARNGRID_BUS_TIMEOUT_MS", "60000");
    lonely = TestNode.start(settings);
  }

  @AfterAll
  static void stop() throws Exception {
    lonely.close();
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
}
