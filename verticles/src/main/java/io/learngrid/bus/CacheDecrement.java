package io.learngrid.bus;

/**
 * Takes one back from an existing counter, never below zero; it never creates a counter and keeps
 * its expiry. Replies {@link CacheCount}.
 */
public record CacheDecrement(String key) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.decr";
}
