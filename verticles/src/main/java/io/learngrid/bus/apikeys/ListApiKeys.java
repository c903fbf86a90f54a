package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;
import io.learngrid.bus.Endpoint;

/** The live (not deleted) keys of {@code userId}, oldest first. Replies {@link ApiKeyList}. */
public record ListApiKeys(String userId) implements BusMessage {
  public static final String ADDRESS = "learngrid.persistence.api-keys.list";
  public static final Endpoint<ListApiKeys, ApiKeyList> ENDPOINT = Endpoint.of(ADDRESS, ListApiKeys.class, ApiKeyList.class);
}
