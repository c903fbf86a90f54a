package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link CacheLookup}: the stored JSON text ({@code null} on a miss), the key's
 * generation when it was read (pass it back in {@link CacheFill}), and, when this caller now holds
 * the key's load lock (only on a miss), the lock's token: only its holder can renew or release it.
 */
public record CacheEntry(String value, long generation, String lockToken) implements BusMessage {}
