package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * Last-used times of keys, coalesced by an http node (one entry per key, the latest use) and sent
 * every few seconds: one statement for many requests. Replies {@link Done}.
 */
public record TouchApiKeys(List<Use> uses) implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.api-keys.touch";
  public static final Endpoint<TouchApiKeys, Done> ENDPOINT = Endpoint.of(ADDRESS, TouchApiKeys.class, Done.class);

  /** Key {@code keyId} was last used at {@code usedAtMillis} (epoch ms). */
  public record Use(String keyId, long usedAtMillis) {}
}
