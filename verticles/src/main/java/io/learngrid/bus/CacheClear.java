package io.learngrid.bus;

import java.util.List;

/**
 * Deletes every Redis cache entry whose key starts with one of {@code prefixes} (cache keys as the
 * http role names them, e.g. {@code course:}; {@code ""} is every entry). Replies {@link CacheCount}
 * with the number of entries deleted. Only the cache's own namespace is touched.
 */
public record CacheClear(List<String> prefixes) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.clear";
}
