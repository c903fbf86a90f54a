package io.learngrid.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Refresh-token rotation and logout over real HTTP and PostgreSQL")
@LearngridNode
class AuthFlowTest {

  private static final String PASSWORD = "student-password";
  private static final String REFRESH = "/api/v1/auth/refresh";
  private static final String LOGOUT = "/api/v1/auth/logout";

  private final Api api;

  AuthFlowTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("refresh answers like login with a new token pair, and the new access token works")
  void refreshIssuesNewTokens() {
    String email = api.registerStudent(PASSWORD);
    JsonObject login = api.session(email, PASSWORD);

    Reply refreshed = refresh(login.getString("refreshToken"));
    assertThat(refreshed.status()).isEqualTo(200);
    JsonObject tokens = refreshed.json();
    assertThat(tokens.fieldNames()).containsExactlyInAnyOrder("accessToken", "refreshToken", "tokenType", "expiresIn");
    assertThat(tokens.getString("tokenType")).isEqualTo("Bearer");
    assertThat(tokens.getInteger("expiresIn")).isEqualTo(login.getInteger("expiresIn"));
    assertThat(tokens.getString("refreshToken")).hasSizeGreaterThan(30).isNotEqualTo(login.getString("refreshToken"));
    Reply me = api.get("/api/v1/me", tokens.getString("accessToken"));
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getString("email")).isEqualTo(email);

    assertThat(refresh(tokens.getString("refreshToken")).status()).as("the new refresh token rotates in turn")
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a reused (already rotated) refresh token is a 401 and revokes the newer token of its family")
  void reusedRefreshTokenRevokesTheFamily() {
    String email = api.registerStudent(PASSWORD);
    String first = api.session(email, PASSWORD).getString("refreshToken");
    String otherLogin = api.session(email, PASSWORD).getString("refreshToken");
    String second = refresh(first).json().getString("refreshToken");
    // Presented again later than the two tabs' grace.
    assertThat(Database.update("UPDATE refresh_tokens SET used_at = used_at - interval '3 seconds' "
        + "WHERE token_hash = sha256(convert_to(?, 'UTF8'))", first)).isEqualTo(1);

    Reply reuse = refresh(first);
    assertThat(reuse.status()).isEqualTo(401);
    assertThat(reuse.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refresh(second).status()).as("the legitimate holder's newer token is revoked too").isEqualTo(401);
    assertThat(refresh(otherLogin).status()).as("another login's family is untouched").isEqualTo(200);
  }

  @Test
  @DisplayName("two tabs refreshing with one token at once both get working tokens; a third presentation is reuse and revokes the family")
  void twoTabsRefreshAtOnce() throws Exception {
    String token = api.session(api.registerStudent(PASSWORD), PASSWORD).getString("refreshToken");
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        replies.add(pool.submit(() -> {
          start.await();
          return refresh(token);
        }));
      }
      List<String> tabs = new ArrayList<>();
      for (Future<Reply> reply : replies) {
        assertThat(reply.get().status()).as(reply.get().body()).isEqualTo(200);
        tabs.add(reply.get().json().getString("refreshToken"));
      }
      assertThat(tabs.get(0)).isNotEqualTo(tabs.get(1));
      Reply third = refresh(token);
      assertThat(third.status()).as("a third presentation is not a tab").isEqualTo(401);
      assertThat(refresh(tabs.get(0)).status()).as("the family is revoked").isEqualTo(401);
      assertThat(refresh(tabs.get(1)).status()).isEqualTo(401);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("within the grace, a token whose successor was already spent is reuse: the family is revoked")
  void graceEndsWithTheSuccessor() {
    String first = api.session(api.registerStudent(PASSWORD), PASSWORD).getString("refreshToken");
    String second = refresh(first).json().getString("refreshToken");
    String third = refresh(second).json().getString("refreshToken");
    assertThat(refresh(first).status()).isEqualTo(401);
    assertThat(refresh(third).status()).as("the family is revoked").isEqualTo(401);
  }

  @Test
  @DisplayName("an expired, unknown or garbage refresh token is a 401 problem")
  void invalidRefreshTokens() {
    String token = api.session(api.registerStudent(PASSWORD), PASSWORD).getString("refreshToken");
    assertThat(Database.update("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' "
        + "WHERE token_hash = sha256(convert_to(?, 'UTF8'))", token)).isEqualTo(1);
    Reply expired = refresh(token);
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.json().getInteger("status")).isEqualTo(401);

    Reply unknown = refresh("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().getString("detail")).isEqualTo(expired.json().getString("detail"));
    assertThat(refresh("not a token at all ✓").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("the refreshed access token carries the account's current role")
  void refreshReadsTheCurrentRole() {
    String email = api.registerStudent(PASSWORD);
    JsonObject login = api.session(email, PASSWORD);
    assertThat(api.get("/api/v1/admin/cluster", login.getString("accessToken")).status()).isEqualTo(403);

    assertThat(Database.update("UPDATE users SET role = 'admin' WHERE email = ?", email)).isEqualTo(1);
    String promoted = refresh(login.getString("refreshToken")).json().getString("accessToken");
    assertThat(api.get("/api/v1/admin/cluster", promoted).status()).isEqualTo(200);
    assertThat(api.get("/api/v1/me", promoted).json().getString("role")).isEqualTo("admin");
  }

  @Test
  @DisplayName("logout answers 204, after which its refresh token and the rest of its family are refused")
  void logoutRevokesTheFamily() {
    String email = api.registerStudent(PASSWORD);
    JsonObject login = api.session(email, PASSWORD);
    JsonObject rotated = refresh(login.getString("refreshToken")).json();
    String access = rotated.getString("accessToken");

    Reply logout = api.post(LOGOUT, body(login.getString("refreshToken")), access);
    assertThat(logout.status()).isEqualTo(204);
    assertThat(logout.body()).isEmpty();
    assertThat(refresh(rotated.getString("refreshToken")).status())
        .as("logging out with an older token of the family revokes the newest").isEqualTo(401);
    // v1.1: the access token that logged out is refused from then on, so repeats use new logins.
    assertThat(api.post(LOGOUT, body("no-such-token"), access).status()).isEqualTo(401);
    assertThat(api.post(LOGOUT, body(rotated.getString("refreshToken")), api.login(email, PASSWORD)).status())
        .as("logout is idempotent").isEqualTo(204);
    assertThat(api.post(LOGOUT, body("no-such-token"), api.login(email, PASSWORD)).status()).isEqualTo(204);
  }

  @Test
  @DisplayName("logout with another user's refresh token answers 204 but revokes nothing")
  void logoutWithAStrangersToken() {
    JsonObject victim = api.session(api.registerStudent(PASSWORD), PASSWORD);
    String intruder = api.login(api.registerStudent(PASSWORD), PASSWORD);

    assertThat(api.post(LOGOUT, body(victim.getString("refreshToken")), intruder).status()).isEqualTo(204);
    assertThat(refresh(victim.getString("refreshToken")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("logout needs a valid access token")
  void logoutNeedsAnAccessToken() {
    String refreshToken = api.session(api.registerStudent(PASSWORD), PASSWORD).getString("refreshToken");
    assertThat(api.post(LOGOUT, body(refreshToken), null).status()).isEqualTo(401);
    assertThat(api.post(LOGOUT, body(refreshToken), "not-a-jwt").status()).isEqualTo(401);
    assertThat(refresh(refreshToken).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("refresh and logout reject bad bodies with a 400 that names the fields")
  void badBodies() {
    String access = api.login(api.registerStudent(PASSWORD), PASSWORD);
    for (String path : List.of(REFRESH, LOGOUT)) {
      assertFields(api.post(path, new JsonObject(), access), "refreshToken");
      assertFields(api.post(path, new JsonObject().put("refreshToken", 42).put("extra", true), access),
          "refreshToken", "extra");
      assertFields(api.post(path, new JsonObject().put("refreshToken", ""), access), "refreshToken");
      assertFields(api.post(path, new JsonObject().put("refreshToken", "x".repeat(4097)), access), "refreshToken");
      assertThat(api.post(path, "[\"token\"]", access).status()).isEqualTo(400);
      assertThat(api.post(path, "{\"refreshToken\":", access).status()).isEqualTo(400);
    }
  }

  private static void assertFields(Reply reply, String... fields) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
    JsonArray errors = reply.json().getJsonArray("errors");
    assertThat(errors.stream().map(error -> ((JsonObject) error).getString("field"))).containsExactlyInAnyOrder(fields);
  }

  private Reply refresh(String refreshToken) {
    return api.post(REFRESH, body(refreshToken), null);
  }

  private static JsonObject body(String refreshToken) {
    return new JsonObject().put("refreshToken", refreshToken);
  }
}
