package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /api/v1/admin/health: readiness in detail, role by role")
@LearngridNode
class DetailedHealthTest {

  private final Api api;

  DetailedHealthTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("shows the node, its pools, queues and aggregator, Redis's memory and the AI circuits")
  void everyRoleReportsItsFigures() {
    Reply reply = api.get("/api/v1/admin/health", api.adminToken());
    assertThat(reply.status()).isEqualTo(200);
    JsonObject health = reply.json();
    JsonObject node = health.getJsonObject("node");
    assertThat(node.getJsonArray("roles")).containsExactly("http", "persistence", "cache", "ai");
    assertThat(node.getBoolean("ready")).isTrue();
    assertThat(node.getString("version")).isEqualTo("dev");

    JsonObject persistence = health.getJsonObject("persistence");
    assertThat(persistence.getString("status")).isEqualTo("UP");
    assertThat(persistence.getString("nodeId")).isEqualTo(node.getString("nodeId"));
    JsonObject pool = persistence.getJsonObject("pool");
    assertThat(pool.getInteger("max")).isPositive();
    assertThat(pool.getLong("inUse")).isBetween(0L, pool.getLong("max"));
    assertThat(pool.getLong("waiting")).isNotNegative();
    assertThat(persistence.getValue("replicaPool")).isNull();
    assertThat(persistence.getInteger("answersQueued")).isNotNegative();
    assertThat(persistence.getLong("eventsPending")).isNotNegative();
    assertThat(persistence.getDouble("aggregatorLagSeconds")).isNotNegative();
    assertThat(persistence.getJsonObject("jobs").fieldNames()).contains("email", "questions", "roster", "export");
    assertThat(persistence.getJsonObject("jobs").getJsonObject("email").getLong("queued")).isNotNegative();

    JsonObject cache = health.getJsonObject("cache");
    assertThat(cache.getString("status")).isEqualTo("UP");
    assertThat(cache.getBoolean("reachable")).isTrue();
    assertThat(cache.getLong("usedMemoryBytes")).isPositive();
    assertThat(cache.getString("maxMemoryPolicy")).isEqualTo("allkeys-lru");
    assertThat(cache.getLong("evictedKeys")).isNotNegative();

    JsonObject ai = health.getJsonObject("ai");
    assertThat(ai.getString("status")).isEqualTo("UP");
    assertThat(ai.getJsonObject("breakers").getString("default")).isEqualTo("closed");
  }

  @Test
  @DisplayName("a role that no node runs is DOWN with the reason, and the other roles still show")
  void missingRoleIsDownWithItsReason() throws Exception {
    try (TestNode node = NodeSettings.defaults().roles("http,persistence,cache").aiUrl(null).start()) {
      Api alone = node.api();
      JsonObject health = alone.get("/api/v1/admin/health", alone.adminToken()).json();
      assertThat(health.getJsonObject("ai").getString("status")).isEqualTo("DOWN");
      assertThat(health.getJsonObject("ai").getString("detail")).isEqualTo("no node runs this role");
      assertThat(health.getJsonObject("persistence").getString("status")).isEqualTo("UP");
      assertThat(health.getJsonObject("cache").getString("status")).isEqualTo("UP");
    }
  }
}
