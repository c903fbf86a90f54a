package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/operations.md#revoking-access-tokens: revocations do not use Redis. */
@DisplayName("Token revocation while Redis is down")
@LearngridNode
class RevocationWithoutRedisTest {

  private static final String PASSWORD = "right-password";

  @CloseAfterAll
  private static EmbeddedRedis redis;
  private static NodeSettings settings;
  private final TestNode node;

  RevocationWithoutRedisTest(TestNode node) {
    this.node = node;
  }

  @BeforeAll
  static void start() {
    redis = TestServices.redisOfItsOwn("redis-revocation");
    settings = NodeSettings.defaults().redisUrl(redis.url());
  }

  @Test
  @DisplayName("a token revoked before the outage stays refused, and logout and a password change still refuse tokens")
  void revocationsKeepWorking() throws Exception {
    Api api = node.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    JsonObject before = api.session(email, PASSWORD);
    assertThat(api.post("/api/v1/auth/logout", new JsonObject().put("refreshToken", before.getString("refreshToken")),
        before.getString("accessToken")).status()).isEqualTo(204);
    JsonObject during = api.session(email, PASSWORD);
    String other = api.login(email, PASSWORD);

    redis.stop();

    assertThat(api.get("/api/v1/me", before.getString("accessToken")).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", other).status()).isEqualTo(200);
    assertThat(api.post("/api/v1/auth/logout", new JsonObject().put("refreshToken", during.getString("refreshToken")),
        during.getString("accessToken")).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/me", during.getString("accessToken")).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", "changed-password"), other).status()).isEqualTo(204);
    assertThat(api.get("/api/v1/me", other).status()).isEqualTo(401);
  }
}
