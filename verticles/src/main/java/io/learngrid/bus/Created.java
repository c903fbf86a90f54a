package io.learngrid.bus;

import io.vertx.core.json.JsonObject;

/**
 * Reply of a creating request: the HTTP status and body the client gets. {@code replayed} is true
 * when an Idempotency-Key matched an earlier request and this is its stored response.
 */
public record Created(int status, JsonObject body, boolean replayed) implements BusMessage {}
