package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;
import java.util.List;

/**
 * Reply to {@link GetAiUsage}, in docs/api.md's shape. {@code key} is the user id (null for usage
 * without an owner), the model, or the day; {@code cost} is the estimate of LEARNGRID_AI_PRICES.
 */
public record AiUsageReport(List<Item> items) implements BusMessage {

  public record Item(String key, long requests, long promptTokens, long completionTokens, double cost) {}
}
