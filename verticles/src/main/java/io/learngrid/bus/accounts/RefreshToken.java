package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** Reply to {@link IssueRefreshToken}: the opaque token, shown to the client once, and its expiry. */
public record RefreshToken(String token, String expiresAt) implements BusMessage {}
