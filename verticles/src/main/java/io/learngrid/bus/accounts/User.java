package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** An account as clients may see it (never the password hash). */
public record User(String id, String email, String displayName, String role, String createdAt) implements BusMessage {}
