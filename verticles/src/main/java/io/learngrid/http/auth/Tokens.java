package io.learngrid.http.auth;

import io.learngrid.config.LearngridConfig;
import io.learngrid.http.ProblemException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Access tokens: HS256 JWTs signed with LEARNGRID_JWT_SECRET, which every node shares, so any
 * node verifies a token another node issued without asking anyone. Each carries {@code sub},
 * {@code role}, {@code jti}, {@code iss}, {@code aud}, {@code iat} and {@code exp}; {@link #wellFormed}
 * refuses a token (even one signed with the real key) that lacks one of them or that lives longer
 * than LEARNGRID_ACCESS_TOKEN_SECONDS.
 */
public final class Tokens {

  private static final String ISSUER = "learngrid";
  private static final String AUDIENCE = "learngrid-api";
  /** RFC 6750 §2.1: {@code Bearer} and one b64token. */
  private static final Pattern BEARER = Pattern.compile("Bearer [A-Za-z0-9._~+/-]+=*");
  /** Clock skew allowed between the node that issued a token and the one that reads it. */
  private static final long SKEW_SECONDS = 30;

  private final JWTAuth jwt;
  private final int accessTokenSeconds;

  public Tokens(Vertx vertx, LearngridConfig.Auth auth) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.jwtSecret()))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE)).setLeeway((int) SKEW_SECONDS)));
    this.accessTokenSeconds = auth.accessTokenSeconds();
  }

  public JWTAuth provider() {
    return jwt;
  }

  int accessTokenSeconds() {
    return accessTokenSeconds;
  }

  /**
   * Before the JWT check: an Authorization header that is not {@code Bearer <token>} ({@code X},
   * {@code Bearer} alone, two spaces) is a 401 like a missing one, not the 400 the JWT handler gives.
   */
  public static void requireWellFormed(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && !BEARER.matcher(header).matches()) {
      refuse(ctx, "invalid_request", "the Authorization header must be Bearer and one access token");
      return;
    }
    ctx.next();
  }

  /** After the JWT check, which verifies the signature, issuer, audience and any exp it finds: {@link #wellFormed}. */
  public void requireWellFormedClaims(RoutingContext ctx) {
    if (!wellFormed(claims(ctx.user()), System.currentTimeMillis())) {
      refuse(ctx, "invalid_token", "the access token must carry exp, iat, sub and jti within this deployment's lifetime");
      return;
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, String error, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"" + error + "\"");
    ctx.fail(new ProblemException(401, detail));
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
    return issued <= nowMillis + SKEW_SECONDS * 1000 && expires - issued <= accessTokenSeconds * 1000L + 1000;
  }

  private static boolean audience(Object aud) {
    return AUDIENCE.equals(aud) || aud instanceof JsonArray list && list.contains(AUDIENCE);
  }
}
