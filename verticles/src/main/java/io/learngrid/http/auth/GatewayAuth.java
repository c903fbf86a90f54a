package io.learngrid.http.auth;

import io.learngrid.http.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
  private final Counter keyAccepted;
  private final Counter keyRefused;
  private final Counter tokenAccepted;
  private final Counter tokenRefused;

  public GatewayAuth(Tokens tokens, Revocations revocations, ApiKeys keys, MeterRegistry registry) {
    this.tokens = tokens;
    this.revocations = revocations;
    this.keys = keys;
    this.keyAccepted = counter(registry, "api-key", "accepted");
    this.keyRefused = counter(registry, "api-key", "refused");
    this.tokenAccepted = counter(registry, "access-token", "accepted");
    this.tokenRefused = counter(registry, "access-token", "refused");
  }

  private static Counter counter(MeterRegistry registry, String credential, String outcome) {
    return Counter.builder("learngrid.gateway.auth")
        .description("Requests to the OpenAI-compatible routes (/v1) by credential and whether it was accepted")
        .tag("credential", credential).tag("outcome", outcome).register(registry);
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
      tokenRefused.increment();
      return refused("You didn't provide an API key. Send it as Authorization: Bearer <key>.");
    }
    String secret = header.substring(7).trim();
    if (secret.startsWith(ApiKeys.PREFIX)) {
      ApiKeys.Key key = keys.find(secret);
      if (key == null || revocations.revokedSince(key.userId(), key.createdAtMillis())) {
        keyRefused.increment();
        return refused("Incorrect API key provided.");
      }
      keyAccepted.increment();
      ctx.put(KEY, key);
      return Future.succeededFuture(user(new JsonObject().put("sub", key.userId()).put("role", key.role())));
    }
    return tokens.provider().authenticate(new TokenCredentials(secret))
        .compose(user -> {
          JsonObject claims = Tokens.claims(user);
          if (!tokens.wellFormed(claims, System.currentTimeMillis())
              || revocations.enabled() && revocations.revoked(claims)) {
            return Future.<User>failedFuture("refused");
          }
          tokenAccepted.increment();
          return Future.succeededFuture(user);
        })
        .recover(failure -> {
          tokenRefused.increment();
          return refused("Incorrect API key provided.");
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
