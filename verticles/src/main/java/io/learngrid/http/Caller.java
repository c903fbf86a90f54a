package io.learngrid.http;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** The authenticated account behind a request, from its access token's claims. */
public record Caller(String id, String role) {

  public static Caller of(RoutingContext ctx) {
    return new Caller(ctx.user().subject(), ctx.user().get("role"));
  }

  public boolean is(String role) {
    return this.role.equals(role);
  }

  /** 403: the caller is known, but this is not something its role may do. */
  public Caller requireRole(Set<String> roles) {
    if (!roles.contains(role)) {
      throw new ProblemException(403, "this requires the role " + String.join(" or ", roles.stream().sorted().toList()));
    }
    return this;
  }
}
