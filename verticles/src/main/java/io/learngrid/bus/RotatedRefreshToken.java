package io.learngrid.bus;

/** Reply to {@link RotateRefreshToken}: the account with its current role, and the new token. */
public record RotatedRefreshToken(String userId, String role, String token, String expiresAt) implements BusMessage {}
