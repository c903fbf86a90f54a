package io.learngrid.bus;

import java.util.List;

/**
 * A non-streaming chat completion for {@code userId}; replies {@link ChatReply}. {@code purpose}
 * ("questions", "lesson-plan" or null for chat) picks how long the reply may be cached.
 */
public record ChatRequest(String userId, String model, List<ChatMessage> messages, String purpose)
    implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.chat";

  /** A chat turn (no purpose). */
  public ChatRequest(String userId, String model, List<ChatMessage> messages) {
    this(userId, model, messages, null);
  }
}
