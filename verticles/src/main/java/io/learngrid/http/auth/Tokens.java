package io.learngrid.http.auth;

import io.learngrid.config.LearngridConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * Access tokens: HS256 JWTs signed with LEARNGRID_JWT_SECRET, which every node shares, so any
 * node verifies a token another node issued without asking anyone. Each carries {@code sub},
 * {@code role}, {@code jti}, {@code iss}, {@code aud}, {@code iat} and {@code exp}; {@link #wellFormed}
 * refuses a token (even one signed with the real key) that lacks one of them or that lives longer
 * than LEARNGRID_ACCESS_TOKEN_SECONDS.
 */
public final class Tokens {

  static final String ISSUER = "learngrid";
  static final String AUDIENCE = "learngrid-api";
  // Clocks of the nodes differ a little; a token "issued" further in the future than this is refused.
  private static final long SKEW_MILLIS = 60_000;

  private final JWTAuth jwt;
  private final int accessTokenSeconds;

  public Tokens(Vertx vertx, LearngridConfig.Auth auth) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.jwtSecret()))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE))));
    this.accessTokenSeconds = auth.accessTokenSeconds();
  }

  public JWTAuth provider() {
    return jwt;
  }

  int accessTokenSeconds() {
    return accessTokenSeconds;
  }

  /**
   * The login reply of docs/api.md around a fresh access token and the given refresh token. {@code iat}
   * has millisecond precision (RFC 7519's NumericDate may be fractional): a revocation at instant t
   * refuses the tokens issued before t, and a login in the same second after t is not one of them.
   */
  JsonObject issue(String userId, String role, String refreshToken) {
    long now = System.currentTimeMillis();
    String accessToken = jwt.generateToken(
        new JsonObject().put("sub", userId).put("role", role).put("jti", UUID.randomUUID().toString())
            .put("iat", BigDecimal.valueOf(now, 3)),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setAudience(List.of(AUDIENCE))
            .setExpiresInSeconds(accessTokenSeconds));
    return new JsonObject()
        .put("accessToken", accessToken)
        .put("refreshToken", refreshToken)
        .put("tokenType", "Bearer")
        .put("expiresIn", accessTokenSeconds);
  }

  /** The verified claims of the request's token. */
  static JsonObject claims(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    return claims == null ? new JsonObject() : claims;
  }

  /** Issue instant in epoch milliseconds, or -1 without a numeric {@code iat}. */
  static long issuedAtMillis(JsonObject claims) {
    return claims.getValue("iat") instanceof Number iat ? Math.round(iat.doubleValue() * 1000) : -1;
  }

  /**
   * Everything a token of ours carries, beyond the signature, issuer and expiry that JWTAuth checks:
   * {@code exp}, {@code iat}, {@code iss}, {@code aud}, {@code sub} and {@code jti} are present, it was
   * not issued in the future, and it lives no longer than the configured lifetime.
   */
  boolean wellFormed(JsonObject claims, long nowMillis) {
    long issued = issuedAtMillis(claims);
    if (!(claims.getValue("exp") instanceof Number exp) || issued < 0
        || !ISSUER.equals(claims.getValue("iss")) || !audience(claims.getValue("aud"))
        || !(claims.getValue("sub") instanceof String) || !(claims.getValue("jti") instanceof String)) {
      return false;
    }
    long expires = Math.round(exp.doubleValue() * 1000);
    // exp is whole seconds after a fractional iat: up to a second more than the lifetime.
    return issued <= nowMillis + SKEW_MILLIS && expires - issued <= accessTokenSeconds * 1000L + 1000;
  }

  private static boolean audience(Object aud) {
    return AUDIENCE.equals(aud) || aud instanceof JsonArray list && list.contains(AUDIENCE);
  }
}
