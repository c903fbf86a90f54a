package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;
import io.vertx.core.json.JsonObject;

/**
 * A job in docs/api.md's shape, plus how many attempts it has taken; {@code progress} is set while
 * a running job has reported one.
 */
public record Job(String id, String kind, String status, JsonObject result, String error, int attempts,
                  Progress progress, String createdAt, String finishedAt) implements BusMessage {

  public record Progress(long done, long total) {}
}
