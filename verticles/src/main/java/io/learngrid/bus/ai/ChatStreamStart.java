package io.learngrid.bus.ai;

import io.learngrid.bus.Endpoint;
import io.learngrid.bus.BusMessage;

import java.util.List;

/**
 * Opens a streamed chat completion. The ai role replies {@link ChatStreamAccepted} once the upstream
 * has accepted the request (any failure before that is an ordinary bus failure), then sends
 * {@link ChatStreamEvent}s for {@code streamId} to {@code eventAddress}, at most {@code credits}
 * deltas ahead of the {@link ChatStreamControl} credits it receives. See docs/event-bus.md.
 */
public record ChatStreamStart(String streamId, String eventAddress, int credits, String userId, String model,
                              List<ChatMessage> messages) implements BusMessage {
  public static final String ADDRESS = "learngrid.ai.chat.stream";
  public static final Endpoint<ChatStreamStart, ChatStreamAccepted> ENDPOINT = Endpoint.of(ADDRESS, ChatStreamStart.class, ChatStreamAccepted.class);
}
