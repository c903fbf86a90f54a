package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.BusError;
import io.learngrid.bus.Idempotency;
import io.learngrid.bus.accounts.CreateUser;
import io.learngrid.bus.accounts.FindCredentials;
import io.learngrid.bus.accounts.GetUser;
import io.learngrid.bus.accounts.IssueRefreshToken;
import io.learngrid.bus.accounts.Revocation;
import io.learngrid.bus.accounts.RevokeAccessToken;
import io.learngrid.bus.accounts.RevokeRefreshTokens;
import io.learngrid.bus.accounts.RotateRefreshToken;
import io.learngrid.bus.accounts.User;
import io.learngrid.http.Caller;
import io.learngrid.http.ClientAddress;
import io.learngrid.http.IdempotencyKeys;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.PasswordHasher;
import io.learngrid.security.UserRole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;

/** Register, login, token refresh and logout, and the caller's own profile. */
public final class AuthRoutes {

  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final CacheAside cache;
  private final LoginThrottle throttle;
  private final Revocations revocations;
  private final BusClient persistence;
  private final int profileSeconds;

  public AuthRoutes(Vertx vertx, PasswordHasher hasher, Tokens tokens, CacheAside cache, LoginThrottle throttle,
             Revocations revocations, long busTimeout, int profileSeconds) {
    this.revocations = revocations;
    this.hasher = hasher;
    this.tokens = tokens;
    this.cache = cache;
    this.throttle = throttle;
    this.persistence = new BusClient(vertx, busTimeout);
    this.profileSeconds = profileSeconds;
  }

  /** Anyone may register; the account is always a student's. */
  public void register(RoutingContext ctx) {
    Input input = Input.of(ctx);
    String email = input.email("email");
    String password = input.text("password");
    String displayName = input.text("displayName");
    input.validate();
    Replies.json(ctx, 201, create(email, password, displayName, UserRole.STUDENT.wire(), null, IdempotencyKeys.of(ctx)));
  }

  /** Admins create accounts of any role (teachers, other admins). */
  public void createUser(RoutingContext ctx) {
    Caller admin = Caller.of(ctx).requireRole(EnumSet.of(UserRole.ADMIN));
    Input input = Input.of(ctx);
    String email = input.email("email");
    String password = input.text("password");
    String displayName = input.text("displayName");
    String role = input.text("role");
    input.validate();
    Replies.json(ctx, 201, create(email, password, displayName, role, admin.id(), IdempotencyKeys.of(ctx)));
  }

  private Future<JsonObject> create(String email, String password, String displayName, String role, String createdBy,
                                    Idempotency idempotency) {
    return hasher.hash(password)
        .compose(hash -> persistence.request(CreateUser.ENDPOINT,
            new CreateUser(email, hash, displayName.trim(), role, createdBy, idempotency)))
        .map(AuthRoutes::publicUser);
  }

  /**
   * Unknown email and wrong password look the same, in body and in time (a dummy hash is checked);
   * so does a disabled account (its hash is checked too, then refused).
   * The throttle answers 429 before any of that while the email or the client is over its limit.
   */
  public void login(RoutingContext ctx) {
    Input input = Input.of(ctx);
    // The contract checks the address (Email); "" passes it (see http/contract/package-info.java).
    String email = input.textWithin("email", 1, 254);
    String password = input.text("password");
    input.validate();
    String normalized = email.trim().toLowerCase(Locale.ROOT);
    Replies.json(ctx, 200, throttle.guard(normalized, ClientAddress.of(ctx), () -> authenticate(normalized, password)));
  }

  private Future<JsonObject> authenticate(String email, String password) {
    return persistence.request(FindCredentials.ENDPOINT, new FindCredentials(email))
        .recover(failure -> isNotFound(failure) ? Future.succeededFuture(null) : Future.failedFuture(failure))
        .compose(found -> hasher.verify(password, found == null ? null : found.passwordHash())
            .compose(valid -> valid && found.active()
                ? persistence.request(IssueRefreshToken.ENDPOINT, new IssueRefreshToken(found.userId()))
                    // Disabled or erased between the lookup and now: the same 401.
                    .recover(failure -> Future.failedFuture(isNotFound(failure)
                        ? new ProblemException(401, "email or password is wrong") : failure))
                    .map(refresh -> tokens.issue(found.userId(), found.role(), refresh.token()))
                : Future.failedFuture(new ProblemException(401, "email or password is wrong"))));
  }

  /**
   * Rotation: the token is spent and a new one of its family comes back with an access token for
   * the account's current role. An unknown, expired, revoked or spent token is a 401 (a spent one
   * also revokes its family: see RefreshTokenStore).
   */
  public void refresh(RoutingContext ctx) {
    String refreshToken = refreshToken(ctx);
    Replies.json(ctx, 200, persistence.request(RotateRefreshToken.ENDPOINT, new RotateRefreshToken(refreshToken))
        .map(rotated -> tokens.issue(rotated.userId(), rotated.role(), rotated.token())));
  }

  /**
   * Revokes the token's family if it is the caller's (204 either way, so nothing is revealed), and
   * refuses the access token of this call from now on, on every node (its jti, until its expiry).
   */
  public void logout(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String refreshToken = refreshToken(ctx);
    JsonObject claims = Tokens.claims(ctx.user());
    String expiresAt = Instant.ofEpochSecond(claims.getLong("exp")).toString();
    Future<Revocation> denied = persistence.request(RevokeAccessToken.ENDPOINT,
        new RevokeAccessToken(caller.id(), claims.getString("jti"), expiresAt)).andThen(revocations::recordIfDone);
    Replies.noContent(ctx, Future.all(denied, persistence.request(RevokeRefreshTokens.ENDPOINT,
        new RevokeRefreshTokens(caller.id(), refreshToken))));
  }

  private static String refreshToken(RoutingContext ctx) {
    Input input = Input.of(ctx);
    String refreshToken = input.text("refreshToken");
    input.validate();
    return refreshToken;
  }

  public void me(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    // Every change of an account (AccountRoutes, AdminUserRoutes) invalidates this entry.
    Replies.json(ctx, 200, cache.readAs("profile", "user:" + caller.id(), profileSeconds, User.class,
            () -> persistence.request(GetUser.ENDPOINT, new GetUser(caller.id())))
        .map(AuthRoutes::publicUser));
  }

  public static JsonObject publicUser(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("email", user.email())
        .put("displayName", user.displayName())
        .put("role", user.role())
        .put("status", user.status());
  }

  private static boolean isNotFound(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureCode() == BusError.NOT_FOUND.code();
  }
}
