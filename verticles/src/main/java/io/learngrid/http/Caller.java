package io.learngrid.http;

import io.learngrid.security.UserRole;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The authenticated account behind a request, from its access token's claims. {@code role} is
 * null only for a claim that names no role (tokens are ours, so never in practice).
 */
public record Caller(String id, UserRole role) {

  public static Caller of(RoutingContext ctx) {
    return new Caller(ctx.user().subject(), UserRole.fromWire(ctx.user().get("role")));
  }

  public boolean is(UserRole role) {
    return this.role == role;
  }

  /** 403: the caller is known, but this is not something its role may do. */
  public Caller requireRole(Set<UserRole> roles) {
    if (!roles.contains(role)) {
      throw new ProblemException(403, "this requires the role "
          + String.join(" or ", roles.stream().map(UserRole::wire).sorted().toList()));
    }
    return this;
  }
}
