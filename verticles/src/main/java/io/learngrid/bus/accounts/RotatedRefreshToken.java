package io.learngrid.bus.accounts;

import io.learngrid.bus.BusMessage;

/** Reply to {@link RotateRefreshToken}: the account with its current role, and the new token. */
public record RotatedRefreshToken(String userId, String role, String token, String expiresAt) implements BusMessage {}
