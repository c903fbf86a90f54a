package io.learngrid.bus;

import java.util.List;

/** A non-streaming chat completion for {@code userId}; replies {@link ChatReply}. */
public record ChatRequest(String userId, String model, List<ChatMessage> messages) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.chat";
}
