package io.learngrid.http.auth;

import io.learngrid.config.LearngridConfig;
import io.learngrid.http.ProblemException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Access tokens: HS256 JWTs signed with LEARNGRID_JWT_SECRET, which every node shares, so any
 * node verifies a token another node issued without asking anyone.
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

  /**
   * After the JWT check, which verifies the signature, issuer, audience and any exp it finds: a
   * token must also carry exp and iat, and live no longer than this deployment issues them for,
   * so a token without exp (signed with a leaked or test key) is not valid for ever.
   */
  public void requireBoundedLifetime(RoutingContext ctx) {
    Object exp = ctx.user().get("exp");
    Object iat = ctx.user().get("iat");
    Long expires = exp instanceof Number n ? n.longValue() : null;
    Long issued = iat instanceof Number n ? n.longValue() : null;
    if (expires == null || issued == null || expires - issued > accessTokenSeconds + SKEW_SECONDS
        || issued > Instant.now().getEpochSecond() + SKEW_SECONDS) {
      refuse(ctx, "invalid_token", "the access token must carry exp and iat within this deployment's lifetime");
      return;
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, String error, String detail) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"" + error + "\"");
    ctx.fail(new ProblemException(401, detail));
  }

  /** The login reply of docs/api.md around a fresh access token and the given refresh token. */
  JsonObject issue(String userId, String role, String refreshToken) {
    String accessToken = jwt.generateToken(
        new JsonObject().put("sub", userId).put("role", role),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setAudience(List.of(AUDIENCE))
            .setExpiresInSeconds(accessTokenSeconds));
    return new JsonObject()
        .put("accessToken", accessToken)
        .put("refreshToken", refreshToken)
        .put("tokenType", "Bearer")
        .put("expiresIn", accessTokenSeconds);
  }
}
