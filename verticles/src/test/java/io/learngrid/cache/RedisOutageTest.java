package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.CapturedLogs;
import io.learngrid.support.Eventually;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Redis goes away and comes back while a node serves")
@LearngridNode
class RedisOutageTest {

  @CloseAfterAll
  private static EmbeddedRedis redis;
  private static NodeSettings settings;
  private final TestNode node;

  RedisOutageTest(TestNode node) {
    this.node = node;
  }

  @BeforeAll
  static void start() {
    redis = TestServices.redisOfItsOwn("redis-outage");
    settings = NodeSettings.defaults().redisUrl(redis.url());
  }

  @Test
  @DisplayName("reads are served from PostgreSQL, readiness says redis DOWN but stays 200, and caching resumes after")
  void readsSurviveARedisOutage() throws Exception {
    Api api = node.api();
    String teacher = api.teacherToken();
    String id = api.post("/api/v1/courses", new JsonObject().put("title", "Outage").put("subject", "ops")
        .put("description", "d"), teacher).json().getString("id");
    String path = "/api/v1/courses/" + id;
    assertThat(api.get(path, teacher).status()).isEqualTo(200);
    assertThat(api.get(path, teacher).status()).isEqualTo(200);
    assertThat(count("near", "hit")).isEqualTo(1);

    CapturedLogs outage = CapturedLogs.of(CacheRedis.class);
    redis.stop();
    // The near cache still answers for the course it holds; the course it does not hold comes from PostgreSQL.
    String other = api.post("/api/v1/courses", new JsonObject().put("title", "Uncached").put("subject", "ops")
        .put("description", "d"), teacher).json().getString("id");
    for (int i = 0; i < 5; i++) {
      Reply read = api.get(path, teacher);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().getString("title")).isEqualTo("Outage");
    }
    assertThat(count("near", "hit")).isEqualTo(6);
    Reply uncached = api.get("/api/v1/courses/" + other, teacher);
    assertThat(uncached.status()).isEqualTo(200);
    assertThat(uncached.json().getString("title")).isEqualTo("Uncached");
    assertThat(count("redis", "error")).isEqualTo(1);
    Reply ready = api.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");
    assertThat(ready.json().getJsonObject("checks").getString("postgres")).isEqualTo("UP");

    redis.start();
    Eventually.within(30, () -> "UP".equals(api.get("/health/ready", null).json().getJsonObject("checks")
        .getString("redis")));
    try (outage) {
      // One line when the outage began, one when it ended, whatever failed in between.
      assertThat(outage.events()).extracting(event -> event.getLevel().toString())
          .containsExactly("WARN", "INFO");
    }
    // A course no level holds yet: its miss fills Redis again (once the node asks Redis again: it
    // pauses for a second after a failure).
    RedisAPI client = RedisAPI.api(Redis.createClient(node.node().vertx(), redis.url()));
    try {
      Eventually.within(30, () -> {
        String fresh = api.post("/api/v1/courses", new JsonObject().put("title", "After").put("subject", "ops")
            .put("description", "d"), teacher).json().getString("id");
        if (api.get("/api/v1/courses/" + fresh, teacher).status() != 200) {
          return false;
        }
        try {
          return client.get("cache:course:" + fresh).await(10, TimeUnit.SECONDS) != null;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("a write during the outage is not undone by the old Redis entry when Redis comes back with its data")
  void writesDuringAnOutageReachRedisLater() throws Exception {
    Api api = node.api();
    String teacher = api.teacherToken();
    String id = api.post("/api/v1/courses", new JsonObject().put("title", "Old").put("subject", "ops")
        .put("description", "d"), teacher).json().getString("id");
    String path = "/api/v1/courses/" + id;
    assertThat(api.get(path, teacher).json().getString("title")).isEqualTo("Old");
    RedisAPI client = RedisAPI.api(Redis.createClient(node.node().vertx(), redis.url()));
    try {
      assertThat(client.get("cache:course:" + id).await(10, TimeUnit.SECONDS).toString()).contains("Old");

      redis.stop();
      assertThat(api.patch(path, new JsonObject().put("title", "New"), teacher).status()).isEqualTo(200);
      assertThat(api.get(path, teacher).json().getString("title")).isEqualTo("New");
      redis.start();   // with its append-only file: the entry "Old" is back

      Eventually.within(30, () -> {
        try {
          return client.get("cache:course:" + id).await(5, TimeUnit.SECONDS) == null;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(api.get(path, teacher).json().getString("title")).isEqualTo("New");
    } finally {
      client.close();
    }
  }

  private double count(String level, String result) {
    var counter = node.node().registry().find("learngrid.cache.requests").tag("kind", "course").tag("level", level)
        .tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }
}
