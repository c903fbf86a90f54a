package io.learngrid.bus.ai;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * A non-streaming chat completion for {@code userId}; replies {@link ChatReply}. {@code purpose} is
 * optional ({@code chat} when absent; {@code questions} or {@code lesson-plan} for generations) and
 * chooses how long the reply stays in the response cache.
 */
public record ChatRequest(String userId, String model, List<ChatMessage> messages, String purpose)
    implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.chat";
  public static final Endpoint<ChatRequest, ChatReply> ENDPOINT = Endpoint.of(ADDRESS, ChatRequest.class, ChatReply.class);

  public static final String CHAT = "chat";
  public static final String QUESTIONS = "questions";
  public static final String LESSON_PLAN = "lesson-plan";

  public ChatRequest(String userId, String model, List<ChatMessage> messages) {
    this(userId, model, messages, null);
  }

  public String purposeOrChat() {
    return purpose == null ? CHAT : purpose;
  }
}
