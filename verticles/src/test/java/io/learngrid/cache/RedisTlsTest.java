package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learngrid.config.ConfigException;
import io.learngrid.config.LearngridConfig;
import io.learngrid.config.SettingsReader;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CapturedLogs;
import io.learngrid.support.Eventually;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.learngrid.support.TestTls;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The redis-server of the embedded-redis artifact (the one the dev node runs) is built with TLS
 * (it links the system's libssl), so no other binary is needed.
 */
@DisplayName("TLS to Redis: a rediss:// LEARNGRID_REDIS_URL, the server checked against LEARNGRID_REDIS_CA_FILE")
class RedisTlsTest {

  private static Path tls;
  private static Path otherCa;
  private static RedisServer server;
  /** The plain port, which the nodes are never told: the test reads what they wrote over TLS. */
  private static int plainPort;
  private static int tlsPort;

  @BeforeAll
  static void start() throws IOException {
    tls = TestTls.selfSigned("redis-tls", "localhost", "127.0.0.1");
    otherCa = TestTls.selfSigned("redis-tls-other");
    plainPort = TestServices.freePort();
    tlsPort = TestServices.freePort();
    server = RedisServer.newRedisServer()
        .port(plainPort)
        .bind("127.0.0.1")
        .setting("tls-port " + tlsPort)
        .setting("tls-cert-file " + tls.resolve("fullchain.pem"))
        .setting("tls-key-file " + tls.resolve("privkey.pem"))
        .setting("tls-ca-cert-file " + tls.resolve("ca.pem"))
        .setting("tls-auth-clients no")
        .setting("save \"\"")
        .setting("dir " + TestServices.scratch("redis-tls-data"))
        .build();
    server.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  @DisplayName("with the CA: readiness says redis UP and a read is cached in Redis, over the TLS port")
  void withTheCa() throws Exception {
    try (TestNode node = NodeSettings.defaults()
        .redisUrl("rediss://127.0.0.1:" + tlsPort)
        .with("REDIS_CA_FILE", tls.resolve("ca.pem"))
        .start()) {
      Api api = node.api();
      Eventually.within(30, () -> "UP".equals(redisCheck(api)));
      String teacher = api.teacherToken();
      String id = api.post("/api/v1/courses", new JsonObject().put("title", "Cached over TLS").put("subject", "ops")
          .put("description", "d"), teacher).json().getString("id");
      assertThat(api.get("/api/v1/courses/" + id, teacher).status()).isEqualTo(200);
      RedisAPI plain = RedisAPI.api(Redis.createClient(node.node().vertx(), "redis://127.0.0.1:" + plainPort));
      try {
        Eventually.within(10, () -> {
          try {
            return plain.get("cache:course:" + id).await(5, TimeUnit.SECONDS) != null;
          } catch (Exception e) {
            return false;
          }
        });
      } finally {
        plain.close();
      }
    }
  }

  @Test
  @DisplayName("with a CA that did not sign the server's certificate: redis DOWN, and reads still served from PostgreSQL")
  void wrongCa() throws Exception {
    try (CapturedLogs logs = CapturedLogs.of(CacheRedis.class);
         TestNode node = NodeSettings.defaults()
             .redisUrl("rediss://127.0.0.1:" + tlsPort)
             .with("REDIS_CA_FILE", otherCa.resolve("ca.pem"))
             .start()) {
      Api api = node.api();
      Reply ready = api.get("/health/ready", null);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");
      // The one warning of the outage says why: the certificate, not a network fault.
      assertThat(logs.events()).filteredOn(event -> event.getLevel().toString().equals("WARN"))
          .singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
              .startsWith("Redis does not answer (Failed to create SSL connection: ").contains("trust anchors"));
      String teacher = api.teacherToken();
      String id = api.post("/api/v1/courses", new JsonObject().put("title", "Uncached").put("subject", "ops")
          .put("description", "d"), teacher).json().getString("id");
      Reply read = api.get("/api/v1/courses/" + id, teacher);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().getString("title")).isEqualTo("Uncached");
    }
  }

  @Test
  @DisplayName("LEARNGRID_REDIS_CA_FILE with a redis:// URL is refused: it would promise a check that is not made")
  void caNeedsRediss() {
    assertThatThrownBy(() -> LearngridConfig.from(new SettingsReader(Map.of(
        "LEARNGRID_ROLES", "cache",
        "LEARNGRID_REDIS_URL", "redis://127.0.0.1:" + plainPort,
        "LEARNGRID_REDIS_CA_FILE", tls.resolve("ca.pem").toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LEARNGRID_REDIS_CA_FILE: is used only with a rediss:// LEARNGRID_REDIS_URL");
  }

  private static String redisCheck(Api api) {
    return api.get("/health/ready", null).json().getJsonObject("checks").getString("redis");
  }
}
