package io.learngrid.bus;

/** Reply to {@link CacheGet}: the stored string, or null on a miss. */
public record CacheValue(String value) implements BusMessage {}
