package io.learngrid.bus.ai;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Opens a streamed chat completion. The ai role replies {@link ChatStreamAccepted} once the upstream
 * has accepted the request (any failure before that is an ordinary bus failure), then sends
 * {@link ChatStreamEvent}s for {@code streamId} to {@code eventAddress}, at most {@code credits}
 * deltas ahead of the {@link ChatStreamControl} credits it receives. See docs/event-bus.md.
 * {@code apiKeyId}, {@code keyDailyTokens} and {@code options} as in {@link ChatRequest}.
 */
public record ChatStreamStart(String streamId, String eventAddress, int credits, String userId, String model,
                              List<ChatMessage> messages, String apiKeyId, long keyDailyTokens, JsonObject options)
    implements BusMessage {
  /** As BusJson maps it, but {@code options} as they came: the mapper would drop their null values. */
  @Override
  public JsonObject toJson() {
    JsonObject json = BusJson.toJson(new ChatStreamStart(streamId, eventAddress, credits, userId, model, messages, apiKeyId, keyDailyTokens, null));
    return options == null ? json : json.put("options", options);
  }

  public static final String ADDRESS = "learngrid.ai.chat.stream";
  public static final Endpoint<ChatStreamStart, ChatStreamAccepted> ENDPOINT = Endpoint.of(ADDRESS, ChatStreamStart.class, ChatStreamAccepted.class);

  public ChatStreamStart(String streamId, String eventAddress, int credits, String userId, String model,
                         List<ChatMessage> messages) {
    this(streamId, eventAddress, credits, userId, model, messages, null, 0, null);
  }
}
