package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** Reply to {@link FindCredentials}. */
public record Credentials(String userId, String role, String passwordHash) implements BusMessage {}
