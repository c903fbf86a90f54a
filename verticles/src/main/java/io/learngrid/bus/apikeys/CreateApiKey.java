package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;
import java.util.List;

/**
 * Stores a new key of {@code userId}: its id (chosen by the http role, which also made the key) and
 * the hex SHA-256 of the key, never the key. Fails CONFLICT when the user already has
 * {@link #MAX_PER_USER} live keys. Replies {@link ApiKey}.
 */
public record CreateApiKey(String id, String userId, String name, String keyHash, Long dailyTokens,
                           List<String> models) implements BusMessage {
  public static final int MAX_PER_USER = 50;
  public static final String ADDRESS = "learngrid.persistence.api-keys.create";
  public static final Endpoint<CreateApiKey, ApiKey> ENDPOINT = Endpoint.of(ADDRESS, CreateApiKey.class, ApiKey.class);
}
