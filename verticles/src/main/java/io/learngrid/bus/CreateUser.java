package io.learngrid.bus;

/** Stores a new account; replies {@link User}, or CONFLICT when the email is taken. */
public record CreateUser(String email, String passwordHash, String displayName, String role) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.create";
}
