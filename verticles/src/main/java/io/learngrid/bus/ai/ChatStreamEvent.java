package io.learngrid.bus.ai;

import io.learngrid.bus.BusError;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.BusMessage;

import io.vertx.core.json.JsonObject;

/**
 * One event of a streamed chat, ai role → http role, sent (not requested) to the stream's event
 * address. {@code type}: {@code delta} (with {@code delta} text, spends one credit, and
 * {@code readAt}: when the ai role read it from the upstream, in microseconds since the epoch), {@code ping}
 * (nothing arrived from upstream for a while), {@code done} (with {@code usage}; the last event),
 * {@code error} (with {@code detail}; the last event: the upstream failed after the first byte).
 * A {@code done} event also carries the upstream's {@code finish_reason} in {@code detail}, when it sent one.
 */
public record ChatStreamEvent(String streamId, String type, long seq, String delta, long readAt,
                              ChatReply.Usage usage, String detail) implements BusMessage {

  public static final String DELTA = "delta";
  public static final String PING = "ping";
  public static final String DONE = "done";
  public static final String ERROR = "error";

  /**
   * Built by hand rather than through {@link BusJson}: one event per token makes this the busiest
   * message type, and the mapper's reflection would cost more than the rest of a relay hop.
   * The JSON is the same.
   */
  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("streamId", streamId).put("type", type).put("seq", seq);
    if (delta != null) {
      json.put("delta", delta);
    }
    if (readAt > 0) {
      json.put("readAt", readAt);
    }
    if (usage != null) {
      json.put("usage", new JsonObject().put("promptTokens", usage.promptTokens())
          .put("completionTokens", usage.completionTokens()));
    }
    if (detail != null) {
      json.put("detail", detail);
    }
    return json;
  }

  /** The inverse of {@link #toJson()}; a body that is not an event fails with BAD_REQUEST. */
  public static ChatStreamEvent fromJson(JsonObject json) {
    try {
      JsonObject usage = json.getJsonObject("usage");
      return new ChatStreamEvent(json.getString("streamId"), json.getString("type"), json.getLong("seq", 0L),
          json.getString("delta"), json.getLong("readAt", 0L), usage == null ? null
              : new ChatReply.Usage(usage.getInteger("promptTokens", 0), usage.getInteger("completionTokens", 0)),
          json.getString("detail"));
    } catch (ClassCastException | NullPointerException e) {
      throw BusError.BAD_REQUEST.exception("message does not match ChatStreamEvent");
    }
  }

  /** {@code readAtMicros}: when the text was read from the upstream (0: not from an upstream, a cached reply). */
  public static ChatStreamEvent delta(String streamId, long seq, String text, long readAtMicros) {
    return new ChatStreamEvent(streamId, DELTA, seq, text, readAtMicros, null, null);
  }

  public static ChatStreamEvent ping(String streamId, long seq) {
    return new ChatStreamEvent(streamId, PING, seq, null, 0, null, null);
  }

  public static ChatStreamEvent done(String streamId, long seq, ChatReply.Usage usage) {
    return done(streamId, seq, usage, null);
  }

  /** {@code finishReason}: the upstream's ({@code stop}, {@code length}, ...), or null. */
  public static ChatStreamEvent done(String streamId, long seq, ChatReply.Usage usage, String finishReason) {
    return new ChatStreamEvent(streamId, DONE, seq, null, 0, usage, finishReason);
  }

  public static ChatStreamEvent error(String streamId, long seq, String detail) {
    return new ChatStreamEvent(streamId, ERROR, seq, null, 0, null, detail);
  }
}
