package io.learngrid.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Reply;
import io.learngrid.support.Database;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request and the confirmation. The shared node has no SMTP server (its reset emails wait in
 * the queue), so these tests store a token they know (its SHA-256, as the store does) straight
 * into PostgreSQL; mail/PasswordResetEmailTest follows the token through a real SMTP server.
 */
@DisplayName("Password reset: the same reply for every email, single-use tokens that expire in 30 minutes")
@LearngridNode
class PasswordResetTest {

  private static final String PASSWORD = "student-password";
  private static final String RESET = "/api/v1/auth/password-reset";
  private static final String CONFIRM = "/api/v1/auth/password-reset/confirm";

  private final Api api;

  PasswordResetTest(Api api) {
    this.api = api;
  }

  @Test
  @DisplayName("a known and an unknown email get the same 202 {}; only the known one gets a stored token")
  void sameReplyForKnownAndUnknown() {
    String email = api.registerStudent(PASSWORD);
    String id = userId(email);

    Reply known = api.post(RESET, new JsonObject().put("email", email.toUpperCase()), null);
    Reply unknown = api.post(RESET, new JsonObject().put("email", "nobody-" + UUID.randomUUID() + "@test.learngrid"), null);

    assertThat(known.status()).isEqualTo(202);
    assertThat(unknown.status()).isEqualTo(202);
    assertThat(known.body()).isEqualTo("{}").isEqualTo(unknown.body());
    assertThat(known.header("Content-Type")).isEqualTo(unknown.header("Content-Type"));
    assertThat(Database.value("SELECT count(*) FROM password_reset_tokens WHERE user_id = ?::uuid", id)).isEqualTo(1L);
    assertThat(Database.value("SELECT expires_at - created_at = interval '30 minutes' FROM password_reset_tokens "
        + "WHERE user_id = ?::uuid", id)).isEqualTo(true);
  }

  @Test
  @DisplayName("known and unknown emails take the same time (medians of interleaved requests within 20 ms)")
  void sameTimeForKnownAndUnknown() {
    String known = api.registerStudent(PASSWORD);
    long[] knownNanos = new long[21];
    long[] unknownNanos = new long[21];
    for (int i = 0; i < knownNanos.length; i++) {
      knownNanos[i] = timed(known);
      unknownNanos[i] = timed("nobody-" + UUID.randomUUID() + "@test.learngrid");
    }
    java.util.Arrays.sort(knownNanos);
    java.util.Arrays.sort(unknownNanos);
    long difference = Math.abs(knownNanos[10] - unknownNanos[10]) / 1_000_000;
    assertThat(difference).as("median ms known %d vs unknown %d", knownNanos[10] / 1_000_000,
        unknownNanos[10] / 1_000_000).isLessThan(20);
  }

  private long timed(String email) {
    long start = System.nanoTime();
    assertThat(api.post(RESET, new JsonObject().put("email", email), null).status()).isEqualTo(202);
    return System.nanoTime() - start;
  }

  @Test
  @DisplayName("confirm sets the new password, revokes every token of the account, and the token works once")
  void confirmIsSingleUse() {
    String email = api.registerStudent(PASSWORD);
    JsonObject session = api.session(email, PASSWORD);
    String token = storeToken(userId(email), "30 minutes");

    Reply confirmed = api.post(CONFIRM, new JsonObject().put("token", token).put("newPassword", "reset-password-1"), null);

    assertThat(confirmed.status()).isEqualTo(204);
    assertThat(api.get("/api/v1/me", session.getString("accessToken")).status()).isEqualTo(401);
    assertThat(api.post("/api/v1/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken")),
        null).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", api.login(email, "reset-password-1")).status()).isEqualTo(200);
    Reply again = api.post(CONFIRM, new JsonObject().put("token", token).put("newPassword", "reset-password-2"), null);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.login(email, "reset-password-1")).isNotBlank();
  }

  @Test
  @DisplayName("an expired or unknown token → 400, and the password stays")
  void expiredAndUnknownTokens() {
    String email = api.registerStudent(PASSWORD);
    String expired = storeToken(userId(email), "-1 second");

    assertThat(api.post(CONFIRM, new JsonObject().put("token", expired).put("newPassword", "reset-password-1"), null)
        .status()).isEqualTo(400);
    assertThat(api.post(CONFIRM, new JsonObject().put("token", "never-issued").put("newPassword", "reset-password-1"),
        null).status()).isEqualTo(400);
    assertThat(api.login(email, PASSWORD)).isNotBlank();
  }

  @Test
  @DisplayName("a disabled account gets no reset token (and the same 202)")
  void disabledAccountGetsNoToken() {
    String email = api.registerStudent(PASSWORD);
    String id = userId(email);
    assertThat(api.patch("/api/v1/admin/users/" + id, new JsonObject().put("status", "disabled"), api.adminToken())
        .status()).isEqualTo(200);

    assertThat(api.post(RESET, new JsonObject().put("email", email), null).status()).isEqualTo(202);
    assertThat(Database.value("SELECT count(*) FROM password_reset_tokens WHERE user_id = ?::uuid", id)).isEqualTo(0L);
  }

  private static String userId(String email) {
    return Database.value("SELECT id::text FROM users WHERE email = ?", email).toString();
  }

  /** Stores a token this test knows, as the store would, expiring {@code in} from now. */
  private static String storeToken(String userId, String in) {
    String token = "test-reset-" + UUID.randomUUID();
    Database.update("INSERT INTO password_reset_tokens (token_hash, user_id, expires_at) "
        + "VALUES (?, ?::uuid, now() + ?::interval)", sha256(token), userId, in);
    return token;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
