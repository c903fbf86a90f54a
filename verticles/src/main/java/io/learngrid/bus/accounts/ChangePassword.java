package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Stores a new password hash, revokes every refresh token of the account and refuses its access
 * tokens issued before, in one transaction; replies the {@link Revocation}.
 */
public record ChangePassword(String userId, String passwordHash) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.password.change";
  public static final Endpoint<ChangePassword, Revocation> ENDPOINT =
      Endpoint.of(ADDRESS, ChangePassword.class, Revocation.class);
}
