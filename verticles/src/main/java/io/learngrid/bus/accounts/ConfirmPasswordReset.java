package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Spends a reset {@code token} and stores {@code passwordHash}, revoking every token of the account;
 * replies the {@link Revocation}, or BAD_REQUEST for an unknown, used or expired token.
 */
public record ConfirmPasswordReset(String token, String passwordHash) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.password-reset.confirm";
  public static final Endpoint<ConfirmPasswordReset, Revocation> ENDPOINT =
      Endpoint.of(ADDRESS, ConfirmPasswordReset.class, Revocation.class);
}
