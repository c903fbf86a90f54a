package io.learngrid.bus;

import java.util.List;

/** Deletes the entries under {@code keys} and moves their generations on. Replies {@link Done}. */
public record CacheInvalidate(List<String> keys) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.invalidate";
}
