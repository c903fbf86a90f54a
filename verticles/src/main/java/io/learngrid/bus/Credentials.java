package io.learngrid.bus;

/** Reply to {@link FindCredentials}. */
public record Credentials(String userId, String role, String passwordHash) implements BusMessage {}
