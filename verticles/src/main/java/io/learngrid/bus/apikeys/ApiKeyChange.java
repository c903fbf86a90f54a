package io.learngrid.bus.apikeys;

import io.learngrid.bus.BusMessage;

/**
 * Published (no reply) on {@link #ADDRESS} to every http node: a key was {@code created} (it is
 * accepted everywhere at once) or the key {@code revokedId} was deleted (refused everywhere at once).
 */
public record ApiKeyChange(ActiveApiKey created, String revokedId) implements BusMessage {
  public static final String ADDRESS = "learngrid.auth.api-keys.published";
}
