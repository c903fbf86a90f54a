package io.learngrid.bus;

import io.vertx.core.json.JsonObject;

/**
 * One event of a streamed chat, ai role → http role, sent (not requested) to the stream's event
 * address. {@code type}: {@code delta} (with {@code delta} text, spends one credit), {@code ping}
 * (nothing arrived from upstream for a while), {@code done} (with {@code usage}; the last event),
 * {@code error} (with {@code detail}; the last event: the upstream failed after the first byte).
 */
public record ChatStreamEvent(String streamId, String type, long seq, String delta, ChatReply.Usage usage,
                              String detail) implements BusMessage {

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
          json.getString("delta"), usage == null ? null
              : new ChatReply.Usage(usage.getInteger("promptTokens", 0), usage.getInteger("completionTokens", 0)),
          json.getString("detail"));
    } catch (ClassCastException | NullPointerException e) {
      throw BusError.BAD_REQUEST.exception("message does not match ChatStreamEvent");
    }
  }

  public static ChatStreamEvent delta(String streamId, long seq, String text) {
    return new ChatStreamEvent(streamId, DELTA, seq, text, null, null);
  }

  public static ChatStreamEvent ping(String streamId, long seq) {
    return new ChatStreamEvent(streamId, PING, seq, null, null, null);
  }

  public static ChatStreamEvent done(String streamId, long seq, ChatReply.Usage usage) {
    return new ChatStreamEvent(streamId, DONE, seq, null, usage, null);
  }

  public static ChatStreamEvent error(String streamId, long seq, String detail) {
    return new ChatStreamEvent(streamId, ERROR, seq, null, null, detail);
  }
}
