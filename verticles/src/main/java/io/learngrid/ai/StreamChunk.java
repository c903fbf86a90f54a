package io.learngrid.ai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.learngrid.bus.ai.ChatReply;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One line of an OpenAI-compatible stream ({@code data: {...}}), reduced to what the relay needs:
 * the text of {@code choices[0].delta.content}, {@code choices[0].finish_reason} (the OpenAI surface
 * relays it) and the {@code usage} some upstreams send last.
 * Read with Jackson's streaming parser straight from the line's bytes: a stream line arrives per
 * token, and building a JsonObject for each cost more than the rest of the relay.
 */
record StreamChunk(String content, ChatReply.Usage usage, String finishReason) {

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
  private static final StreamChunk NOTHING = new StreamChunk(null, null, null);

  /** Null for a line that carries no chunk (blank, a comment, another field, {@code [DONE]}). */
  static StreamChunk parse(Buffer line) {
    byte[] bytes = line.getBytes();
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\r' || bytes[end - 1] == ' ')) {
      end--;
    }
    if (end < DATA.length || !Arrays.equals(bytes, 0, DATA.length, DATA, 0, DATA.length)) {
      return null;
    }
    int start = DATA.length;
    while (start < end && bytes[start] == ' ') {
      start++;
    }
    if (Arrays.equals(bytes, start, end, DONE, 0, DONE.length)) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(bytes, start, end - start)) {
      StreamChunk chunk = object(parser);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("text after the chunk");
      }
      return chunk;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON chunk", e);
    }
  }

  private static StreamChunk object(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("a chunk is a JSON object");
    }
    String[] choice = {null, null};
    ChatReply.Usage usage = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("choices") && value == JsonToken.START_ARRAY) {
        firstChoice(parser, choice);
      } else if (field.equals("usage") && value == JsonToken.START_OBJECT) {
        usage = usage(parser);
      } else {
        parser.skipChildren();
      }
    }
    return choice[0] == null && choice[1] == null && usage == null ? NOTHING
        : new StreamChunk(choice[0], usage, choice[1]);
  }

  /** {@code choices[0].delta.content} and {@code finish_reason} into {@code choice}; the parser ends on the array's END_ARRAY. */
  private static void firstChoice(JsonParser parser, String[] choice) throws IOException {
    boolean first = true;
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (token == null) {
        throw new IllegalArgumentException("unterminated choices");
      }
      if (first && token == JsonToken.START_OBJECT) {
        choiceFields(parser, choice);
      } else {
        parser.skipChildren();
      }
      first = false;
    }
  }

  private static void choiceFields(JsonParser parser, String[] choice) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("delta") && value == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String deltaField = parser.currentName();
          JsonToken deltaValue = parser.nextToken();
          if (deltaField.equals("content") && deltaValue == JsonToken.VALUE_STRING) {
            choice[0] = parser.getText();
          } else {
            parser.skipChildren();
          }
        }
      } else if (field.equals("finish_reason") && value == JsonToken.VALUE_STRING) {
        choice[1] = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
  }

  private static ChatReply.Usage usage(JsonParser parser) throws IOException {
    int prompt = 0;
    int completion = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.VALUE_NUMBER_INT && field.equals("prompt_tokens")) {
        prompt = parser.getIntValue();
      } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("completion_tokens")) {
        completion = parser.getIntValue();
      } else {
        parser.skipChildren();
      }
    }
    return new ChatReply.Usage(prompt, completion);
  }
}
