package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/** Logout: stores {@code jti} of {@code userId} as refused until {@code expiresAt}; replies the {@link Revocation}. */
public record RevokeAccessToken(String userId, String jti, String expiresAt) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.access-tokens.revoke";
  public static final Endpoint<RevokeAccessToken, Revocation> ENDPOINT =
      Endpoint.of(ADDRESS, RevokeAccessToken.class, Revocation.class);
}
