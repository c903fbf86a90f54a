package io.learngrid.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Accounts v1.1: profile, email and password changes, logout refusing the access token")
@LearngridNode
class AccountsTest {

  private static final String PASSWORD = "student-password";

  private final Api api;

  AccountsTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("PATCH /me changes the name at once; GET /me shows it (the cached profile is dropped)")
  void renameShowsAtOnce() {
    String token = api.login(api.registerStudent(PASSWORD), PASSWORD);
    assertThat(api.get("/api/v1/me", token).json().getString("displayName")).isEqualTo("Test Student");

    Reply renamed = api.patch("/api/v1/me", new JsonObject().put("displayName", "  Renamed  "), token);

    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().getString("displayName")).isEqualTo("Renamed");
    assertThat(renamed.json().getString("status")).isEqualTo("active");
    assertThat(api.get("/api/v1/me", token).json().getString("displayName")).isEqualTo("Renamed");
  }

  @Test
  @DisplayName("an email change needs the current password: missing 400, wrong 403, taken 409, right 200")
  void emailChange() {
    String email = api.registerStudent(PASSWORD);
    String other = api.registerStudent(PASSWORD);
    String token = api.login(email, PASSWORD);
    String fresh = "renamed-" + UUID.randomUUID() + "@test.learngrid";

    assertThat(api.patch("/api/v1/me", new JsonObject().put("email", fresh), token).status()).isEqualTo(400);
    Reply wrong = api.patch("/api/v1/me", new JsonObject().put("email", fresh).put("currentPassword", "not-it"), token);
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.patch("/api/v1/me", new JsonObject().put("email", other).put("currentPassword", PASSWORD), token)
        .status()).isEqualTo(409);

    Reply changed = api.patch("/api/v1/me", new JsonObject().put("email", fresh.toUpperCase())
        .put("currentPassword", PASSWORD), token);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().getString("email")).isEqualTo(fresh);
    assertThat(api.login(fresh, PASSWORD)).isNotBlank();
    assertThat(login(email, PASSWORD).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("a password change revokes the refresh tokens and refuses the access tokens issued before it")
  void passwordChange() {
    String email = api.registerStudent(PASSWORD);
    JsonObject session = api.session(email, PASSWORD);
    String token = session.getString("accessToken");
    JsonObject body = new JsonObject().put("currentPassword", "wrong-password").put("newPassword", "new-password-1");
    assertThat(api.post("/api/v1/me/password", body, token).status()).isEqualTo(403);

    Reply changed = api.post("/api/v1/me/password", body.put("currentPassword", PASSWORD), token);

    assertThat(changed.status()).isEqualTo(204);
    assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken")),
        null).status()).isEqualTo(401);
    assertThat(login(email, PASSWORD).status()).isEqualTo(401);
    // A login right after the change (same second) is not "before" it: iat has millisecond precision.
    String after = api.login(email, "new-password-1");
    assertThat(api.get("/api/v1/me", after).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("logout refuses the access token that made the call; another session's token keeps working")
  void logoutRefusesTheCallingToken() {
    String email = api.registerStudent(PASSWORD);
    JsonObject first = api.session(email, PASSWORD);
    String second = api.login(email, PASSWORD);

    Reply out = api.post("/api/v1/auth/logout", new JsonObject().put("refreshToken", first.getString("refreshToken")),
        first.getString("accessToken"));

    assertThat(out.status()).isEqualTo(204);
    assertThat(api.get("/api/v1/me", first.getString("accessToken")).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", second).status()).isEqualTo(200);
    assertThat(Database.value("SELECT count(*) FROM revoked_access_tokens WHERE user_id = ?::uuid",
        api.get("/api/v1/me", second).json().getString("id"))).isEqualTo(1L);
  }

  @Test
  @DisplayName("register honours Idempotency-Key: a retry gets the same reply, another body with the key 422")
  void registerIdempotency() {
    String key = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("email", "idem-" + UUID.randomUUID() + "@test.learngrid")
        .put("password", PASSWORD).put("displayName", "Idem");

    Reply first = api.post("/api/v1/auth/register", body, null, key);
    Reply again = api.post("/api/v1/auth/register", body, null, key);
    Reply other = api.post("/api/v1/auth/register", body.copy().put("displayName", "Other"), null, key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(other.status()).isEqualTo(422);
    assertThat(api.post("/api/v1/auth/register", body, null).status()).isEqualTo(409);
  }

  @Test
  @DisplayName("admin-created accounts carry status active; GET /me shows it")
  void statusOnUserReplies() {
    Account teacher = api.account("teacher");
    assertThat(api.get("/api/v1/me", teacher.token()).json().getString("status")).isEqualTo("active");
  }

  private Reply login(String email, String password) {
    return api.post("/api/v1/auth/login", new JsonObject().put("email", email).put("password", password), null);
  }
}
