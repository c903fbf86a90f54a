package io.learngrid.bus.ai;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A non-streaming chat completion for {@code userId}; replies {@link ChatReply}. {@code purpose} is
 * optional ({@code chat} when absent; {@code questions} or {@code lesson-plan} for generations) and
 * chooses how long the reply stays in the response cache.
 *
 * <p>The OpenAI-compatible surface ({@code /v1/chat/completions}) also sends: {@code apiKeyId} and
 * {@code keyDailyTokens} when an API key made the request (its usage is attributed to it, and its
 * own budget applies besides its owner's; 0: no key budget), and {@code options}: the request's
 * other OpenAI fields, sent to the upstream as they came ({@code temperature}, {@code max_tokens},
 * {@code tools}, unknown ones; {@code messages} too when they are more than role and text). They are
 * part of the reply-cache key.
 */
public record ChatRequest(String userId, String model, List<ChatMessage> messages, String purpose, String apiKeyId,
                          long keyDailyTokens, JsonObject options) implements BusMessage {
  /** As BusJson maps it, but {@code options} as they came: the mapper would drop their null values. */
  @Override
  public JsonObject toJson() {
    JsonObject json = BusJson.toJson(new ChatRequest(userId, model, messages, purpose, apiKeyId, keyDailyTokens, null));
    return options == null ? json : json.put("options", options);
  }

  public static final String ADDRESS = "learngrid.ai.chat";
  public static final Endpoint<ChatRequest, ChatReply> ENDPOINT = Endpoint.of(ADDRESS, ChatRequest.class, ChatReply.class);

  public static final String CHAT = "chat";
  public static final String QUESTIONS = "questions";
  public static final String LESSON_PLAN = "lesson-plan";

  public ChatRequest(String userId, String model, List<ChatMessage> messages, String purpose) {
    this(userId, model, messages, purpose, null, 0, null);
  }

  public ChatRequest(String userId, String model, List<ChatMessage> messages) {
    this(userId, model, messages, null);
  }

  public String purposeOrChat() {
    return purpose == null ? CHAT : purpose;
  }
}
