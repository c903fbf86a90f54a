package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Takes one back from an existing counter, never below zero; it never creates a counter and keeps
 * its expiry. Replies {@link CacheCount}.
 */
public record CacheDecrement(String key) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.decr";
  public static final Endpoint<CacheDecrement, CacheCount> ENDPOINT = Endpoint.of(ADDRESS, CacheDecrement.class, CacheCount.class);
}
