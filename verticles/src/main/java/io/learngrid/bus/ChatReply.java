package io.learngrid.bus;

/** Reply to {@link ChatRequest}, in API.md's shape. */
public record ChatReply(ChatMessage message, String model, Usage usage, boolean cached) implements BusMessage {

  public record Usage(int promptTokens, int completionTokens) {}
}
