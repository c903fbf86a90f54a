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

@DisplayName("Failed-login counters are shared by the nodes of a cluster")
class ClusterLoginThrottleTest {

  private static final String PASSWORD = "right-password";

  private static TestNode full;
  private static TestNode httpOnly;

  @BeforeAll
  static void startCluster() {
    String cluster = TestNode.newClusterName();
    full = TestNode.start(TestNode.clusterSettings(cluster));
    // No Redis address and no cache role: this node can only count through the other node's cache role.
    Map<String, String> edge = TestNode.clusterSettings(cluster);
    edge.put("LEARNGRID_ROLES", "http");
    edge.remove("LEARNGRID_PG_URL");
    edge.remove("LEARNGRID_REDIS_URL");
    edge.remove("LEARNGRID_AI_URL");
    httpOnly = TestNode.start(edge);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    httpOnly.close();
    full.close();
  }

  @Test
  @DisplayName("failures on one node block the email on the other, and back")
  void failuresOnOneNodeBlockOnTheOther() {
    Api first = full.api().fromNewAddress();
    Api second = httpOnly.api().fromNewAddress();
    String email = first.registerStudent(PASSWORD);
    for (int i = 0; i < 3; i++) {
      assertThat(login(first, email, "wrong-password").status()).isEqualTo(401);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(login(second, email, "wrong-password").status()).isEqualTo(401);
    }

    Reply onSecond = login(second, email, PASSWORD);
    assertThat(onSecond.status()).isEqualTo(429);
    assertThat(onSecond.header("Retry-After")).isNotBlank();
    assertThat(login(first, email, PASSWORD).status()).isEqualTo(429);
  }

  private static Reply login(Api api, String email, String password) {
    return api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
  }
}
