package io.learngrid.bus.accounts;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Looks up the stored hash for a login; replies {@link Credentials}, or NOT_FOUND. */
public record FindCredentials(String email) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.credentials";
  public static final Endpoint<FindCredentials, Credentials> ENDPOINT = Endpoint.of(ADDRESS, FindCredentials.class, Credentials.class);
}
