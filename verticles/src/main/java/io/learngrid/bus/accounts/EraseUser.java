package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * GDPR erasure: the account's email, name and password are overwritten, its tokens revoked; its id
 * stays (answer events and aggregates keep it, now naming no one). Replies the {@link Revocation};
 * NOT_FOUND for an unknown or already erased account.
 */
public record EraseUser(String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.erase";
  public static final Endpoint<EraseUser, Revocation> ENDPOINT = Endpoint.of(ADDRESS, EraseUser.class, Revocation.class);
}
