package io.learngrid.bus.accounts;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;

/**
 * Logout: revokes every token of the family that {@code token} belongs to, if that family is
 * {@code userId}'s; otherwise does nothing. Replies {@link Done} either way.
 */
public record RevokeRefreshTokens(String userId, String token) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.refresh-tokens.revoke";
  public static final Endpoint<RevokeRefreshTokens, Done> ENDPOINT = Endpoint.of(ADDRESS, RevokeRefreshTokens.class, Done.class);
}
