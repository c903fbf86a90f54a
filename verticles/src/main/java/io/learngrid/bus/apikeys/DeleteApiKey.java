package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Done;
import io.learngrid.bus.Endpoint;

/**
 * Revokes key {@code keyId} of {@code userId} (its row stays, marked revoked, for the usage rows that
 * name it). Fails NOT_FOUND when the user has no such live key. Replies {@link Done}.
 */
public record DeleteApiKey(String userId, String keyId) implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.api-keys.delete";
  public static final Endpoint<DeleteApiKey, Done> ENDPOINT = Endpoint.of(ADDRESS, DeleteApiKey.class, Done.class);
}
