package io.learngrid.bus;

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
