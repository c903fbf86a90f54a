package io.learngrid.http.auth;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.accounts.EraseUser;
import io.learngrid.bus.accounts.ListUsers;
import io.learngrid.bus.accounts.UpdateUser;
import io.learngrid.bus.accounts.User;
import io.learngrid.http.Caller;
import io.learngrid.http.Cursors;
import io.learngrid.http.Ids;
import io.learngrid.http.Input;
import io.learngrid.http.Paging;
import io.learngrid.http.ProblemException;
import io.learngrid.http.Replies;
import io.learngrid.http.caching.CacheAside;
import io.learngrid.security.UserRole;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/** Admins over accounts (API v1.1): search, change (name, role, status), GDPR erasure. */
public final class AdminUserRoutes {

  private static final Set<UserRole> ADMINS = EnumSet.of(UserRole.ADMIN);

  private final CacheAside cache;
  private final Cursors cursors;
  private final Revocations revocations;
  private final BusClient persistence;

  public AdminUserRoutes(Vertx vertx, CacheAside cache, Cursors cursors, Revocations revocations, long busTimeout) {
    this.cache = cache;
    this.cursors = cursors;
    this.revocations = revocations;
    this.persistence = new BusClient(vertx, busTimeout);
  }

  /** Keyset-paginated by id; the cursor is bound to the filters it was made with. */
  public void list(RoutingContext ctx) {
    Caller.of(ctx).requireRole(ADMINS);
    String q = ctx.queryParams().get("q");
    String role = ctx.queryParams().get("role");
    String status = ctx.queryParams().get("status");
    Paging paging = Paging.of(ctx, cursors, "users|" + q + "|" + role + "|" + status);
    Replies.json(ctx, 200, persistence.request(ListUsers.ENDPOINT,
            new ListUsers(q, role, status, paging.afterId(), paging.limit() + 1))
        .map(page -> paging.reply(cursors, page.items(), User::id,
            user -> AuthRoutes.publicUser(user).put("createdAt", user.createdAt()))));
  }

  /** Disabling (or a role change) refuses the account's access tokens at once, on every node. */
  public void update(RoutingContext ctx) {
    Caller admin = Caller.of(ctx).requireRole(ADMINS);
    String userId = Ids.path(ctx, "userId", "user");
    Input input = Input.of(ctx);
    String displayName = input.optionalText("displayName");
    String role = input.optionalText("role");
    String status = input.optionalText("status");
    input.validate();
    if (admin.id().equals(userId) && (role != null && !UserRole.ADMIN.wire().equals(role) || "disabled".equals(status))) {
      throw new ProblemException(403, "an admin cannot disable or demote their own account");
    }
    Replies.json(ctx, 200, persistence.request(UpdateUser.ENDPOINT,
            new UpdateUser(userId, displayName == null ? null : displayName.trim(), null, role, status))
        .andThen(updated -> {
          if (updated.succeeded() && updated.result().revocation() != null) {
            revocations.record(updated.result().revocation());
          }
        })
        .compose(updated -> cache.invalidate(AccountRoutes.profileKey(userId)).map(AuthRoutes.publicUser(updated.user()))));
  }

  /** Erasure of the personal data; the answer events stay under the id, which now names no one. */
  public void erase(RoutingContext ctx) {
    Caller admin = Caller.of(ctx).requireRole(ADMINS);
    String userId = Ids.path(ctx, "userId", "user");
    // The last admin locking themselves out would leave no one to undo it (AdminBootstrap only
    // creates a missing admin account).
    if (admin.id().equals(userId)) {
      throw new ProblemException(403, "an admin cannot erase their own account");
    }
    Replies.noContent(ctx, persistence.request(EraseUser.ENDPOINT, new EraseUser(userId))
        .andThen(revocations::recordIfDone)
        .compose(revocation -> cache.invalidate(AccountRoutes.profileKey(userId))));
  }
}
