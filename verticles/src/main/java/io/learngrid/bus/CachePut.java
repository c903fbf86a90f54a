package io.learngrid.bus;

/** Stores {@code value} under {@code key} for {@code ttlSeconds}; replies {@link Done}. */
public record CachePut(String key, String value, int ttlSeconds) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.put";
}
