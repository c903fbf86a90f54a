package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;

/**
 * Creates a single-use reset token (30 min) for the active account with {@code email}, if there is
 * one. Replies {@link Done} either way: the raw token never leaves the persistence role (the email
 * that carries it is queued in the same transaction).
 */
public record RequestPasswordReset(String email) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.password-reset.request";
  public static final Endpoint<RequestPasswordReset, Done> ENDPOINT =
      Endpoint.of(ADDRESS, RequestPasswordReset.class, Done.class);
}
