package io.learngrid.bus;

/**
 * Adds one to the counter under {@code key}, atomically; a new counter lives {@code ttlSeconds}
 * (a fixed window from its first increment). Replies {@link CacheCount}.
 */
public record CacheIncrement(String key, int ttlSeconds) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.incr";
}
