package io.learngrid.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply to {@link HealthQuery}: the answering node and its role's figures, whose fields each role
 * documents (docs/event-bus.md#health). A figure the role cannot read now is null.
 */
public record RoleHealth(String nodeId, JsonObject figures) implements BusMessage {}
