package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;

/**
 * http role → ai role for one stream, sent to {@link ChatStreamAccepted#controlAddress()}:
 * {@code credit} grants {@code credits} more deltas (the SSE client has taken the earlier ones);
 * {@code cancel} ends the stream and its upstream request (the client went away).
 */
public record ChatStreamControl(String streamId, String type, int credits) implements BusMessage {

  public static final String CREDIT = "credit";
  public static final String CANCEL = "cancel";

  public static ChatStreamControl credit(String streamId, int credits) {
    return new ChatStreamControl(streamId, CREDIT, credits);
  }

  public static ChatStreamControl cancel(String streamId) {
    return new ChatStreamControl(streamId, CANCEL, 0);
  }
}
