package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;

/** Reply to {@link CacheGet}: the stored string, or null on a miss. */
public record CacheValue(String value) implements BusMessage {}
