package io.learngrid.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keys are checked from each http node's memory; this is what keeps those memories in step. */
@DisplayName("API keys across two clustered nodes (one of them http only)")
class ApiKeyClusterTest {

  private static String cluster;
  @CloseAfterAll
  private static TestNode full;
  @CloseAfterAll
  private static TestNode httpOnly;

  @BeforeAll
  static void startCluster() {
    cluster = TestNode.newClusterName();
    full = NodeSettings.defaults().cluster(cluster).start();
    httpOnly = NodeSettings.defaults().cluster(cluster).roles("http").withoutBackingServices().start();
  }

  @Test
  @DisplayName("a key made on node A works on node B at once; deleted on A, B refuses it in under 1 s")
  void createdAndDeletedEverywhere() throws Exception {
    Api a = full.api();
    Api b = httpOnly.api();
    String teacher = a.account("teacher").token();
    JsonObject key = a.post("/api/v1/me/api-keys", new JsonObject().put("name", "cluster"), teacher).json();
    String secret = key.getString("key");
    long created = System.nanoTime();
    assertThat(until(b, secret, 200, created)).as("ms until node B accepted the new key").isLessThan(1_000);

    assertThat(a.method("DELETE", "/api/v1/me/api-keys/" + key.getString("id"), teacher).status()).isEqualTo(204);
    long deleted = System.nanoTime();
    assertThat(until(b, secret, 401, deleted)).as("ms from the delete's reply until node B refused the key")
        .isLessThan(1_000);
    assertThat(a.get("/v1/models", secret).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a node that starts later loads the live keys and not the deleted ones")
  void aStartingNodeLoadsTheKeys() throws Exception {
    Api a = full.api();
    String teacher = a.account("teacher").token();
    String live = a.post("/api/v1/me/api-keys", new JsonObject().put("name", "live"), teacher).json().getString("key");
    JsonObject gone = a.post("/api/v1/me/api-keys", new JsonObject().put("name", "gone"), teacher).json();
    assertThat(a.method("DELETE", "/api/v1/me/api-keys/" + gone.getString("id"), teacher).status()).isEqualTo(204);
    try (TestNode late = NodeSettings.defaults().cluster(cluster).roles("http").withoutBackingServices().start()) {
      assertThat(late.api().get("/v1/models", live).status()).isEqualTo(200);
      assertThat(late.api().get("/v1/models", gone.getString("key")).status()).isEqualTo(401);
    }
  }

  /** Milliseconds from {@code since} until {@code node} answers {@code status} to the key (polling, at most 5 s). */
  private static long until(Api node, String key, int status, long since) throws InterruptedException {
    while (node.get("/v1/models", key).status() != status) {
      if (System.nanoTime() - since > 5_000_000_000L) {
        throw new AssertionError("node did not answer " + status + " within 5 s");
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - since) / 1_000_000;
  }
}
