package io.learngrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.CloseAfterAll;
import io.learngrid.support.NodeSettings;
import io.learngrid.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Revocations are checked from each node's memory; this is what keeps those memories in step. */
@DisplayName("Token revocation across two clustered nodes (one of them http only)")
class RevocationClusterTest {

  private static final String PASSWORD = "account-password";

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
  @DisplayName("a token logged out on node A is refused on node B in under 1 s")
  void logoutOnOneNodeIsRefusedOnTheOther() throws Exception {
    Api a = full.api();
    Api b = httpOnly.api();
    Account student = a.account("student");
    JsonObject session = a.session(student.email(), PASSWORD);
    String token = session.getString("accessToken");
    assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);

    Reply out = a.post("/api/v1/auth/logout", new JsonObject().put("refreshToken", session.getString("refreshToken")), token);
    long loggedOut = System.nanoTime();
    assertThat(out.status()).isEqualTo(204);

    long refusedAfterMillis = untilRefused(b, token, loggedOut);
    assertThat(refusedAfterMillis).as("ms from the logout's reply until node B refused the token").isLessThan(1_000);
    assertThat(a.get("/api/v1/me", token).status()).isEqualTo(401);
    assertThat(b.get("/api/v1/me", student.token()).status()).as("the account's other token still works").isEqualTo(200);
  }

  @Test
  @DisplayName("a user disabled through node B is refused everywhere: its tokens and its logins, on both nodes")
  void disabledUserIsRefusedEverywhere() throws Exception {
    Api a = full.api();
    Api b = httpOnly.api();
    Account student = a.account("student");
    String other = a.login(student.email(), PASSWORD);

    Reply disabled = b.patch("/api/v1/admin/users/" + student.id(), new JsonObject().put("status", "disabled"),
        b.adminToken());
    long at = System.nanoTime();
    assertThat(disabled.status()).isEqualTo(200);

    assertThat(untilRefused(a, student.token(), at)).isLessThan(1_000);
    assertThat(b.get("/api/v1/me", student.token()).status()).isEqualTo(401);
    assertThat(a.get("/api/v1/me", other).status()).isEqualTo(401);
    for (Api node : new Api[] {a, b}) {
      assertThat(node.post("/api/v1/auth/login", new JsonObject().put("email", student.email()).put("password", PASSWORD),
          null).status()).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("a node that starts after a password change loads it and refuses the older tokens")
  void aStartingNodeLoadsTheRevocations() throws Exception {
    Api a = full.api();
    Account student = a.account("student");
    assertThat(a.post("/api/v1/me/password", new JsonObject().put("currentPassword", PASSWORD)
        .put("newPassword", "changed-password"), student.token()).status()).isEqualTo(204);

    try (TestNode late = NodeSettings.defaults().cluster(cluster).roles("http").withoutBackingServices().start()) {
      assertThat(late.api().get("/api/v1/me", student.token()).status()).isEqualTo(401);
      assertThat(late.api().get("/api/v1/me", late.api().login(student.email(), "changed-password")).status())
          .isEqualTo(200);
    }
  }

  /** Milliseconds from {@code since} until {@code node} answers 401 to {@code token} (polling, at most 5 s). */
  private static long untilRefused(Api node, String token, long since) throws InterruptedException {
    while (node.get("/api/v1/me", token).status() != 401) {
      if (System.nanoTime() - since > 5_000_000_000L) {
        throw new AssertionError("the token was still accepted 5 s after its revocation");
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - since) / 1_000_000;
  }
}
