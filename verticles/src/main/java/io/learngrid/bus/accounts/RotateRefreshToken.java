package io.learngrid.bus.accounts;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Spends a refresh token for a new one of the same family; replies {@link RotatedRefreshToken},
 * or UNAUTHORIZED when the token is unknown, expired, revoked or already spent (which also
 * revokes its whole family).
 */
public record RotateRefreshToken(String token) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.refresh-tokens.rotate";
  public static final Endpoint<RotateRefreshToken, RotatedRefreshToken> ENDPOINT = Endpoint.of(ADDRESS, RotateRefreshToken.class, RotatedRefreshToken.class);
}
