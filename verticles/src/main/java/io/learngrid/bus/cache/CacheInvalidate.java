package io.learngrid.bus.cache;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;

import java.util.List;

/** Deletes the entries under {@code keys} and moves their generations on. Replies {@link Done}. */
public record CacheInvalidate(List<String> keys) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.invalidate";
  public static final Endpoint<CacheInvalidate, Done> ENDPOINT = Endpoint.of(ADDRESS, CacheInvalidate.class, Done.class);
}
