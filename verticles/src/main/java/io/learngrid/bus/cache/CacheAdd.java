package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Adds {@code amount} to the counter under {@code key}, atomically; a new counter lives
 * {@code ttlSeconds} (a fixed window from its first addition). Replies {@link CacheCount}.
 */
public record CacheAdd(String key, long amount, int ttlSeconds) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.add";
  public static final Endpoint<CacheAdd, CacheCount> ENDPOINT = Endpoint.of(ADDRESS, CacheAdd.class, CacheCount.class);
}
