package io.learngrid.bus.cache;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;

import java.util.List;

/**
 * Drops entries from one node's near cache: the {@code keys}, and every key starting with one of
 * {@code prefixes} ({@code ""} drops all). Sent to each http node's own address
 * ({@link #endpoint(String)}) and waited for, so a write is acknowledged after every node that
 * answered has dropped its copy. Replies {@link Done}.
 */
public record NearInvalidate(List<String> keys, List<String> prefixes) implements BusMessage {
  public static final String ADDRESS_PREFIX = "learngrid.near.invalidate.";

  /** The endpoint of one node's near cache. */
  public static Endpoint<NearInvalidate, Done> endpoint(String nodeId) {
    return Endpoint.of(ADDRESS_PREFIX + nodeId, NearInvalidate.class, Done.class);
  }
}
