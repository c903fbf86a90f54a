package io.learngrid.bus.accounts;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Idempotency;

/**
 * Stores a new account; replies {@link User}, or CONFLICT when the email is taken. With an
 * {@code idempotency} key (of the admin {@code createdBy}) a repeat replies the first account.
 */
public record CreateUser(String email, String passwordHash, String displayName, String role, String createdBy,
                         Idempotency idempotency) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.create";
  public static final Endpoint<CreateUser, User> ENDPOINT = Endpoint.of(ADDRESS, CreateUser.class, User.class);
}
