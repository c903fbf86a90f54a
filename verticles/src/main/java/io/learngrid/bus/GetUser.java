package io.learngrid.bus;

/** Reads one account; replies {@link User}, or NOT_FOUND. */
public record GetUser(String id) implements BusMessage {
  public static final String ADDRESS = "learngrid.users.get";
}
