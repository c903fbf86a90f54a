package io.learngrid.bus.jobs;

import io.learngrid.bus.BusMessage;

import io.vertx.core.json.JsonObject;

/** A job in docs/api.md's shape, plus how many attempts it has taken. */
public record AiJob(String id, String kind, String status, JsonObject result, String error, int attempts,
                    String createdAt, String finishedAt) implements BusMessage {}
