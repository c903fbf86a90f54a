package io.learngrid.bus;

/**
 * Asks a role whether its dependency answers; replies {@link Pong}. Each role serves its own
 * address so that readiness can tell them apart.
 */
public record Ping() implements BusMessage {
  public static final String PERSISTENCE = "learngrid.persistence.ping";
  public static final String CACHE = "learngrid.cache.ping";
  public static final String AI = "learngrid.ai.ping";
}
