package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * The revocations a starting http node must know: per-user instants younger than {@code
 * lifetimeSeconds} (older ones refuse only tokens that expired anyway) and unexpired denied jtis.
 * Replies {@link RevocationList}.
 */
public record ListRevocations(int lifetimeSeconds) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.revocations.list";
  public static final Endpoint<ListRevocations, RevocationList> ENDPOINT =
      Endpoint.of(ADDRESS, ListRevocations.class, RevocationList.class);
}
