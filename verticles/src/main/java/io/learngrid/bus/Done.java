package io.learngrid.bus;

/** The empty reply: the request was carried out. */
public record Done() implements BusMessage {
  public static final Done INSTANCE = new Done();
}
