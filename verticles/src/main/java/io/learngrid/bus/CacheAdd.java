package io.learngrid.bus;

/**
 * Adds {@code amount} to the counter under {@code key}, atomically; a new counter lives
 * {@code ttlSeconds} (a fixed window from its first addition). Replies {@link CacheCount}.
 */
public record CacheAdd(String key, long amount, int ttlSeconds) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.add";
}
