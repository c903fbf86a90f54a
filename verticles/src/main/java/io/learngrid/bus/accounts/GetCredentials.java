package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/** The stored hash of one account, to check its current password; replies {@link Credentials}, or NOT_FOUND. */
public record GetCredentials(String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.credentials.get";
  public static final Endpoint<GetCredentials, Credentials> ENDPOINT =
      Endpoint.of(ADDRESS, GetCredentials.class, Credentials.class);
}
