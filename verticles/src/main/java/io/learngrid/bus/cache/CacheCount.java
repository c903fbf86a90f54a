package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;

/**
 * Reply to {@link CacheIncrement} and {@link CacheDecrement}: the counter after the change and
 * the whole seconds (rounded up) until it expires; both 0 when there is no counter.
 */
public record CacheCount(long value, long ttlSeconds) implements BusMessage {}
