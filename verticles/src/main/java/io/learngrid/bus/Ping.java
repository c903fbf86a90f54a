package io.learngrid.bus;

/**
 * Asks a role whether its dependency answers; replies {@link Pong}. Each role serves its own
 * address so that readiness can tell them apart.
 */
public record Ping() implements BusMessage {
  public static final Endpoint<Ping, Pong> PERSISTENCE = Endpoint.of("learngrid.persistence.ping", Ping.class, Pong.class);
  public static final Endpoint<Ping, Pong> CACHE = Endpoint.of("learngrid.cache.ping", Ping.class, Pong.class);
  public static final Endpoint<Ping, Pong> AI = Endpoint.of("learngrid.ai.ping", Ping.class, Pong.class);
}
