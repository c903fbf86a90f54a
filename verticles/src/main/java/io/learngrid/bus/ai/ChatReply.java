package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;

/** Reply to {@link ChatRequest}, in docs/api.md's shape. */
public record ChatReply(ChatMessage message, String model, Usage usage, boolean cached) implements BusMessage {

  public record Usage(int promptTokens, int completionTokens) {}
}
