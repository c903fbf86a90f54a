package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * Deletes every Redis cache entry whose key starts with one of {@code prefixes} (cache keys as the
 * http role names them, e.g. {@code course:}; {@code ""} is every entry). Replies {@link CacheCount}
 * with the number of entries deleted. Only the cache's own namespace is touched.
 */
public record CacheClear(List<String> prefixes) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.clear";
  public static final Endpoint<CacheClear, CacheCount> ENDPOINT = Endpoint.of(ADDRESS, CacheClear.class, CacheCount.class);
}
