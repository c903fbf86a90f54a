package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/**
 * Every live key of an active account, with its hash and its owner's role: what an http node holds
 * in memory to check keys without a round trip. Replies {@link ActiveApiKeys}.
 */
public record LoadApiKeys() implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.api-keys.load";
  public static final Endpoint<LoadApiKeys, ActiveApiKeys> ENDPOINT = Endpoint.of(ADDRESS, LoadApiKeys.class, ActiveApiKeys.class);
}
