package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/**
 * Reads a cache entry with its generation; on a miss, also takes the key's load lock for
 * {@code lockMillis} when nobody holds it (0: no lock). Replies {@link CacheEntry}.
 */
public record CacheLookup(String key, long lockMillis) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.lookup";
  public static final Endpoint<CacheLookup, CacheEntry> ENDPOINT = Endpoint.of(ADDRESS, CacheLookup.class, CacheEntry.class);
}
