package io.learngrid.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.dev.EmbeddedRedis;
import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.LearngridNode;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.learngrid.support.TestServices;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Login limits while Redis is down")
@LearngridNode
class LoginThrottleFallbackTest {

  private static final String PASSWORD = "right-password";

  @CloseAfterAll
  private static EmbeddedRedis redis;
  private static NodeSettings settings;
  private final TestNode node;

  LoginThrottleFallbackTest(TestNode node) {
    this.node = node;
  }

  @BeforeAll
  static void start() {
    redis = TestServices.redisOfItsOwn("redis-login");
    settings = NodeSettings.defaults().redisUrl(redis.url());
  }

  @Test
  @DisplayName("logins still work, and failures are still limited, counted in the node's memory")
  void loginsFallBackToLocalCounters() throws Exception {
    Api api = node.api().fromNewAddress();
    String email = api.registerStudent(PASSWORD);
    String other = api.registerStudent(PASSWORD);

    redis.stop();
    assertThat(login(api, other, PASSWORD).status()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(login(api, email, "wrong-password").status()).isEqualTo(401);
    }
    Reply refused = login(api, email, PASSWORD);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 900);
    assertThat(login(api, other, PASSWORD).status()).as("another email is not blocked").isEqualTo(200);
  }

  private static Reply login(Api api, String email, String password) {
    return api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
  }
}
