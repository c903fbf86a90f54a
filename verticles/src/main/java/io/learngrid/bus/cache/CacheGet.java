package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

/** Reads a cached value; replies {@link CacheValue} ({@code value} absent on a miss). */
public record CacheGet(String key) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.get";
  public static final Endpoint<CacheGet, CacheValue> ENDPOINT = Endpoint.of(ADDRESS, CacheGet.class, CacheValue.class);
}
