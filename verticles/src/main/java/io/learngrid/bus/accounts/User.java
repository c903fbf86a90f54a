package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** An account as clients may see it (never the password hash); {@code status} is active or disabled. */
public record User(String id, String email, String displayName, String role, String status, String createdAt)
    implements BusMessage {}
