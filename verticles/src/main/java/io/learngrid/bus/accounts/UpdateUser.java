package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Changes the given fields of an account (null: unchanged). Email taken → CONFLICT; an unknown or
 * erased account → NOT_FOUND. Setting {@code status} to disabled also revokes every refresh token and
 * refuses the access tokens issued before (the reply's {@code revocation}).
 */
public record UpdateUser(String userId, String displayName, String email, String role, String status)
    implements BusMessage {
  public static final String ADDRESS = "learngrid.users.update";
  public static final Endpoint<UpdateUser, UpdatedUser> ENDPOINT = Endpoint.of(ADDRESS, UpdateUser.class, UpdatedUser.class);
}
