package io.learngrid.bus;

import java.util.List;

/** Removes keys; replies {@link Done}. */
public record CacheDelete(List<String> keys) implements BusMessage {
  public static final String ADDRESS = "learngrid.cache.delete";
}
