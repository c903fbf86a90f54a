package io.learngrid.bus;

/**
 * Logout: revokes every token of the family that {@code token} belongs to, if that family is
 * {@code userId}'s; otherwise does nothing. Replies {@link Done} either way.
 */
public record RevokeRefreshTokens(String userId, String token) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.refresh-tokens.revoke";
}
