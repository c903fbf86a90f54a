package io.learngrid.http.auth;

import io.learngrid.http.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import io.vertx.core.Future;

/**
 * Authentication of the OpenAI-compatible routes ({@code /v1/**}): {@code Authorization: Bearer}
 * with either an API key ({@code lg_…}, checked from memory by {@link ApiKeys}) or an access token
 * (checked as on {@code /api/v1}: signature, claims, revocations). Either way the request's user is
 * the account (so rate limits and Caller work unchanged); a key also travels as {@link #key}.
 * A key is refused, like the owner's tokens, when the owner's tokens were revoked after it was made
 * (a password change, disabling).
 */
public final class GatewayAuth {

  private static final String KEY = "learngrid.apiKey";

  private final Tokens tokens;
  private final Revocations revocations;
  private final ApiKeys keys;

  public GatewayAuth(Tokens tokens, Revocations revocations, ApiKeys keys) {
    this.tokens = tokens;
    this.revocations = revocations;
    this.keys = keys;
  }

  /** The API key of the request, or null when an access token made it. */
  public static ApiKeys.Key key(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** The route handler: Vert.x Web's own authentication handler around {@link #user}. */
  public AuthenticationHandler handler() {
    return SimpleAuthenticationHandler.create().authenticate(this::user);
  }

  /** The account behind the request's bearer credential, or a 401 (never a round trip for a key). */
  private Future<User> user(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.startsWith("Bearer ") || header.length() > 8_192) {
      return refused("You didn't provide an API key. Send it as Authorization: Bearer <key>.");
    }
    String secret = header.substring(7).trim();
    if (secret.startsWith(ApiKeys.PREFIX)) {
      ApiKeys.Key key = keys.find(secret);
      if (key == null || revocations.revokedSince(key.userId(), key.createdAtMillis())) {
        return refused("Incorrect API key provided.");
      }
      ctx.put(KEY, key);
      return Future.succeededFuture(user(new JsonObject().put("sub", key.userId()).put("role", key.role())));
    }
    return tokens.provider().authenticate(new TokenCredentials(secret))
        .recover(failure -> refused("Incorrect API key provided."))
        .compose(user -> {
          JsonObject claims = Tokens.claims(user);
          if (!tokens.wellFormed(claims, System.currentTimeMillis())
              || revocations.enabled() && revocations.revoked(claims)) {
            return refused("Incorrect API key provided.");
          }
          return Future.succeededFuture(user);
        });
  }

  /** A user shaped as JWTAuth makes them: claims as the principal and as the {@code accessToken} root claim. */
  private static User user(JsonObject claims) {
    return User.create(claims, new JsonObject().put("accessToken", claims).put("rootClaim", "accessToken"));
  }

  private static Future<User> refused(String message) {
    return Future.failedFuture(new ProblemException(401, message));
  }
}
