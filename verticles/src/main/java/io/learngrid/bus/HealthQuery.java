package io.learngrid.bus;

/**
 * Asks one role of one node for the figures of {@code GET /api/v1/admin/health}; replies
 * {@link RoleHealth}. Each role serves its own address, as with {@link Ping}.
 */
public record HealthQuery() implements BusMessage {
  public static final Endpoint<HealthQuery, RoleHealth> PERSISTENCE =
      Endpoint.of("learngrid.persistence.health", HealthQuery.class, RoleHealth.class);
  public static final Endpoint<HealthQuery, RoleHealth> CACHE =
      Endpoint.of("learngrid.cache.health", HealthQuery.class, RoleHealth.class);
  public static final Endpoint<HealthQuery, RoleHealth> AI =
      Endpoint.of("learngrid.ai.health", HealthQuery.class, RoleHealth.class);
}
