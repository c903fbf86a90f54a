package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** Reply to {@link UpdateUser}; {@code revocation} is set when the change disabled the account. */
public record UpdatedUser(User user, Revocation revocation) implements BusMessage {}
