package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Adds one to the counter under {@code key}, atomically; a new counter lives {@code ttlSeconds}
 * (a fixed window from its first increment). Replies {@link CacheCount}.
 */
public record CacheIncrement(String key, int ttlSeconds) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.incr";
  public static final Endpoint<CacheIncrement, CacheCount> ENDPOINT = Endpoint.of(ADDRESS, CacheIncrement.class, CacheCount.class);
}
