package io.learngrid.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The parts of an OpenAI chat completion request the simulator understands.
 *
 * @param model     requested model, null when absent
 * @param messages  the conversation, never empty
 * @param stream    whether the answer is sent as server-sent events
 * @param maxTokens client cap on the completion length, if any
 */
record ChatRequest(String model, List<Message> messages, boolean stream, OptionalInt maxTokens) {

  record Message(String role, String content) {
  }

  ChatRequest {
    messages = List.copyOf(messages);
  }

  /**
   * Validates a request body the way OpenAI does for the fields we use.
   *
   * @throws InvalidRequestException naming the offending parameter
   */
  static ChatRequest parse(JsonObject body) {
    if (body == null) {
      throw new InvalidRequestException("We could not parse the JSON body of your request.", null);
    }
    Object model = body.getValue("model");
    if (model != null && !(model instanceof String)) {
      throw new InvalidRequestException("'model' must be a string.", "model");
    }
    Object stream = body.getValue("stream");
    if (stream != null && !(stream instanceof Boolean)) {
      throw new InvalidRequestException("'stream' must be a boolean.", "stream");
    }
    Object temperature = body.getValue("temperature");
    if (temperature != null && !(temperature instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 2)) {
      throw new InvalidRequestException("'temperature' must be a number between 0 and 2.", "temperature");
    }
    return new ChatRequest((String) model, parseMessages(body.getValue("messages")),
        Boolean.TRUE.equals(stream), parseMaxTokens(body.getValue("max_tokens")));
  }

  private static List<Message> parseMessages(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new InvalidRequestException("'messages' must be a non-empty array.", "messages");
    }
    List<Message> messages = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String param = "messages[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject message)) {
        throw new InvalidRequestException("'" + param + "' must be an object.", param);
      }
      if (!(message.getValue("role") instanceof String role)) {
        throw new InvalidRequestException("'" + param + ".role' must be a string.", param + ".role");
      }
      if (!(message.getValue("content") instanceof String content)) {
        throw new InvalidRequestException("'" + param + ".content' must be a string.", param + ".content");
      }
      messages.add(new Message(role, content));
    }
    return messages;
  }

  private static OptionalInt parseMaxTokens(Object value) {
    if (value == null) {
      return OptionalInt.empty();
    }
    // Jackson yields Integer or Long for integral JSON numbers; anything else (2.5, "10") is a client bug.
    if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 1
        && ((Number) value).longValue() <= Integer.MAX_VALUE) {
      return OptionalInt.of(((Number) value).intValue());
    }
    throw new InvalidRequestException("'max_tokens' must be a positive integer.", "max_tokens");
  }

  /** Prompt size as OpenAI would bill it, approximated by whitespace-separated words. */
  int promptTokens() {
    int count = 0;
    for (Message message : messages) {
      count += Tokens.countWords(message.content());
    }
    return count;
  }

  /** Content of the last user message, or an empty string when the user said nothing. */
  String lastUserContent() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).role())) {
        return messages.get(i).content();
      }
    }
    return "";
  }

  /**
   * A stable 64-bit FNV-1a hash of the conversation. Unlike {@code Object.hashCode} of collections it is specified
   * byte by byte, so the same prompt gives the same answer on every JVM and every run.
   */
  long fingerprint() {
    long hash = 0xcbf29ce484222325L;
    for (Message message : messages) {
      hash = fnv(hash, message.role());
      hash = fnv(hash, "\u0000");
      hash = fnv(hash, message.content());
      hash = fnv(hash, "\u0001");
    }
    return hash;
  }

  private static long fnv(long hash, String text) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
