package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;

/**
 * Stores {@code value} under {@code key} for {@code ttlSeconds}, but only if the key's generation
 * is still {@code generation} (no invalidation since the lookup), and releases the load lock when
 * {@code lockToken} is the lock's (a lock that lapsed and went to someone else stays theirs). A
 * lock holder whose load failed sends a null {@code value}: only the lock is released. Replies
 * {@link Done} either way.
 */
public record CacheFill(String key, String value, int ttlSeconds, long generation, String lockToken)
    implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.fill";
  public static final Endpoint<CacheFill, Done> ENDPOINT = Endpoint.of(ADDRESS, CacheFill.class, Done.class);
}
