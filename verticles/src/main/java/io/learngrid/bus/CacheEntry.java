package io.learngrid.bus;

/**
 * Reply to {@link CacheLookup}: the stored JSON text ({@code null} on a miss), the key's
 * generation when it was read (pass it back in {@link CacheFill}), and whether this caller now
 * holds the key's load lock (only on a miss).
 */
public record CacheEntry(String value, long generation, boolean loader) implements BusMessage {}
