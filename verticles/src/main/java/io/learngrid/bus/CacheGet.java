package io.learngrid.bus;

/** Reads a cached value; replies {@link CacheValue} ({@code value} absent on a miss). */
public record CacheGet(String key) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.get";
}
