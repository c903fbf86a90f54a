package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;

/**
 * One AI request's usage, for the ai_usage table. {@code userId} may be null (a job without an
 * owner); {@code upstream} is null when the reply came from the cache; {@code apiKeyId} names the
 * API key that made the request (null: an access token or a job). {@code at} is epoch millis.
 */
public record AiUsage(String userId, String model, String upstream, String purpose, int promptTokens,
                      int completionTokens, double cost, long latencyMillis, boolean cached, boolean streamed,
                      long at, String apiKeyId) implements BusMessage {}
