package io.learngrid.bus.accounts;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Reads one account; replies {@link User}, or NOT_FOUND. */
public record GetUser(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.get";
  public static final Endpoint<GetUser, User> ENDPOINT = Endpoint.of(ADDRESS, GetUser.class, User.class);
}
