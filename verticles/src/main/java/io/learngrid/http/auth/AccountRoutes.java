package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.accounts.ChangePassword;
import io.learngrid.bus.accounts.ConfirmPasswordReset;
import io.learngrid.bus.accounts.Credentials;
import io.learngrid.bus.accounts.GetCredentials;
import io.learngrid.bus.accounts.RequestPasswordReset;
import io.learngrid.bus.accounts.UpdateUser;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** The caller's own account (API v1.1): profile, email, password, and the password reset. */
public final class AccountRoutes {

  private static final JsonObject ACCEPTED = new JsonObject();

  private final PasswordHasher hasher;
  private final CacheAside cache;
  private final Revocations revocations;
  private final BusClient persistence;

  public AccountRoutes(Vertx vertx, PasswordHasher hasher, CacheAside cache, Revocations revocations, long busTimeout) {
    this.hasher = hasher;
    this.cache = cache;
    this.revocations = revocations;
    this.persistence = new BusClient(vertx, busTimeout);
  }

  static String profileKey(String userId) {
    return "user:" + userId;
  }

  /** A new name at once; a new email only with the current password (wrong → 403, taken → 409). */
  public void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Input input = Input.of(ctx);
    String displayName = input.optionalText("displayName");
    String email = input.has("email") ? input.email("email") : null;
    String currentPassword = input.optionalText("currentPassword");
    if (email != null && currentPassword == null) {
      input.reject("currentPassword", "is required to change the email");
    }
    input.validate();
    Future<Void> allowed = email == null ? Future.succeededFuture() : checkPassword(caller.id(), currentPassword);
    Replies.json(ctx, 200, allowed
        .compose(ok -> persistence.request(UpdateUser.ENDPOINT,
            new UpdateUser(caller.id(), displayName == null ? null : displayName.trim(), email, null, null)))
        .compose(updated -> cache.invalidate(profileKey(caller.id())).map(AuthRoutes.publicUser(updated.user()))));
  }

  /** 204; every refresh token is revoked and every access token issued before is refused, this one included. */
  public void changePassword(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Input input = Input.of(ctx);
    String currentPassword = input.text("currentPassword");
    String newPassword = input.text("newPassword");
    input.validate();
    Replies.noContent(ctx, checkPassword(caller.id(), currentPassword)
        .compose(ok -> hasher.hash(newPassword))
        .compose(hash -> persistence.request(ChangePassword.ENDPOINT, new ChangePassword(caller.id(), hash)))
        .andThen(revocations::recordIfDone));
  }

  private Future<Void> checkPassword(String userId, String password) {
    return persistence.request(GetCredentials.ENDPOINT, new GetCredentials(userId))
        .map(Credentials::passwordHash)
        .compose(hash -> hasher.verify(password, hash))
        .compose(valid -> valid ? Future.succeededFuture()
            : Future.failedFuture(new ProblemException(403, "the current password is wrong")));
  }

  /**
   * 202 {@code {}} for every well-formed email, known or not: the persistence role does the same
   * work either way (a token is generated and hashed, one insert that stores 0 or 1 rows).
   */
  public void requestReset(RoutingContext ctx) {
    Input input = Input.of(ctx);
    String email = input.textWithin("email", 1, 254);
    input.validate();
    Replies.json(ctx, 202, persistence.request(RequestPasswordReset.ENDPOINT,
            new RequestPasswordReset(email.trim().toLowerCase(Locale.ROOT)))
        .map(done -> ACCEPTED));
  }

  /** 204; an unknown, used or expired token → 400. Every token of the account is revoked. */
  public void confirmReset(RoutingContext ctx) {
    Input input = Input.of(ctx);
    String token = input.text("token");
    String newPassword = input.text("newPassword");
    input.validate();
    Replies.noContent(ctx, hasher.hash(newPassword)
        .compose(hash -> persistence.request(ConfirmPasswordReset.ENDPOINT, new ConfirmPasswordReset(token, hash)))
        .andThen(revocations::recordIfDone)
        .compose(revocation -> cache.invalidate(profileKey(revocation.userId()))));
  }
}
