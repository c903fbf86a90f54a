package io.learngrid.http.auth;

import io.learngrid.config.LearngridConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * Access tokens: HS256 JWTs signed with LEARNGRID_JWT_SECRET, which every node shares, so any
 * node verifies a token another node issued without asking anyone.
 */
public final class Tokens {

  private static final String ISSUER = "learngrid";

  private final JWTAuth jwt;
  private final int accessTokenSeconds;

  public Tokens(Vertx vertx, LearngridConfig.Auth auth) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.jwtSecret()))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
    this.accessTokenSeconds = auth.accessTokenSeconds();
  }

  public JWTAuth provider() {
    return jwt;
  }

  /** The login reply of docs/api.md around a fresh access token and the given refresh token. */
  JsonObject issue(String userId, String role, String refreshToken) {
    String accessToken = jwt.generateToken(
        new JsonObject().put("sub", userId).put("role", role),
        new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds(accessTokenSeconds));
    return new JsonObject()
        .put("accessToken", accessToken)
        .put("refreshToken", refreshToken)
        .put("tokenType", "Bearer")
        .put("expiresIn", accessTokenSeconds);
  }
}
