package io.learngrid.bus;

/** Looks up the stored hash for a login; replies {@link Credentials}, or NOT_FOUND. */
public record FindCredentials(String email) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.credentials";
}
