package io.learngrid.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.learngrid.support.Api;
import io.learngrid.support.Api.Account;
import io.learngrid.support.Jwts;
import io.learngrid.support.LearngridNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tokens signed with the node's real key but missing a claim, or living too long, are refused. */
@DisplayName("Access tokens must carry exp, iat, iss, aud, sub and jti, and live no longer than configured")
@LearngridNode
class AccessTokenClaimsTest {

  private final Api api;

  AccessTokenClaimsTest(Api api) {
    this.api = api;
  }

  private JsonObject claims(String userId) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", userId).put("role", "teacher").put("jti", UUID.randomUUID().toString())
        .put("iss", "learngrid").put("aud", new JsonArray().add("learngrid-api")).put("iat", now).put("exp", now + 600);
  }

  @Test
  @DisplayName("the node's own tokens carry every claim, and a well-formed token signed with the key is accepted")
  void wellFormedTokenIsAccepted() {
    Account teacher = api.account("teacher");
    JsonObject issued = Jwts.claims(teacher.token());
    assertThat(issued.fieldNames()).contains("sub", "role", "jti", "iss", "aud", "iat", "exp");
    assertThat(issued.getDouble("exp") - issued.getDouble("iat")).isLessThanOrEqualTo(901.0);

    assertThat(api.get("/api/v1/me", Jwts.sign(claims(teacher.id()))).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "without {0} → 401")
  @ValueSource(strings = {"exp", "iat", "iss", "aud", "jti", "sub"})
  @DisplayName("a token without one of the claims is refused")
  void missingClaimIsRefused(String claim) {
    Account teacher = api.account("teacher");
    JsonObject claims = claims(teacher.id());
    claims.remove(claim);
    var reply = api.get("/api/v1/me", Jwts.sign(claims));
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("a token that lives longer than LEARNGRID_ACCESS_TOKEN_SECONDS, or names another audience, is refused")
  void overlongOrForeignTokenIsRefused() {
    Account teacher = api.account("teacher");
    JsonObject longLived = claims(teacher.id());
    longLived.put("exp", longLived.getLong("iat") + 86_400);
    assertThat(api.get("/api/v1/me", Jwts.sign(longLived)).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", Jwts.sign(claims(teacher.id()).put("aud", "someone-else"))).status()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", Jwts.sign(claims(teacher.id()).put("iss", "elsewhere"))).status()).isEqualTo(401);
  }
}
