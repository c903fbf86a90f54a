package io.learngrid.http.ai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.learngrid.bus.ai.ChatReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * How a stream's events reach the client: {@link #LEARNGRID}'s {@code data: {"delta": …}} events of
 * {@code /api/v1/ai/chat}, or OpenAI's {@code chat.completion.chunk}s ({@link #openAi}) of
 * {@code /v1/chat/completions}, ending with {@code data: [DONE]}. One relay, two wire formats.
 */
interface StreamFormat {

  /** The writer of one stream, once the ai role has said which model answers it. */
  Writer open(String model);

  interface Writer {
    /** Written right after the response head; null for nothing. */
    Buffer head();

    Buffer delta(String text);

    /** The last bytes of a stream that completed; {@code finishReason} the upstream's, or null. */
    Buffer done(ChatReply.Usage usage, String finishReason);
  }

  StreamFormat LEARNGRID = model -> new Writer() {
    @Override
    public Buffer head() {
      return null;
    }

    @Override
    public Buffer delta(String text) {
      return ChatStreamRelay.deltaEvent(text);
    }

    @Override
    public Buffer done(ChatReply.Usage usage, String finishReason) {
      JsonObject tokens = new JsonObject()
          .put("promptTokens", usage == null ? 0 : usage.promptTokens())
          .put("completionTokens", usage == null ? 0 : usage.completionTokens());
      return Buffer.buffer("data: " + new JsonObject().put("done", true).put("usage", tokens).encode() + "\n\n");
    }
  };

  /**
   * OpenAI's chunks for completion {@code id} created at {@code created} (epoch seconds): a first
   * chunk with the assistant's role, one per delta, a last one with {@code finish_reason}, then with
   * {@code includeUsage} ({@code stream_options.include_usage}) a chunk with empty choices and the usage.
   */
  static StreamFormat openAi(String id, long created, boolean includeUsage) {
    return model -> {
      JsonObject envelope = new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
          .put("model", model).put("system_fingerprint", (String) null);
      // Each delta chunk is this prefix, the quoted text, and the suffix: one per token, written by hand.
      String open = envelope.copy().put("choices", "\u0000").encode();
      int cut = open.indexOf("\"\\u0000\"");
      byte[] prefix = (open.substring(0, cut) + "[{\"index\":0,\"delta\":{\"content\":\"").getBytes(StandardCharsets.UTF_8);
      byte[] suffix = ("\"},\"logprobs\":null,\"finish_reason\":null}]" + open.substring(cut + 8) + "\n\n")
          .getBytes(StandardCharsets.UTF_8);
      byte[] data = "data: ".getBytes(StandardCharsets.UTF_8);
      return new Writer() {
        @Override
        public Buffer head() {
          return event(envelope.copy().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("delta", new JsonObject().put("role", "assistant").put("content", ""))
              .put("logprobs", null).put("finish_reason", null))));
        }

        @Override
        public Buffer delta(String text) {
          byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
          return Buffer.buffer(data.length + prefix.length + quoted.length + suffix.length)
              .appendBytes(data).appendBytes(prefix).appendBytes(quoted).appendBytes(suffix);
        }

        @Override
        public Buffer done(ChatReply.Usage usage, String finishReason) {
          Buffer end = event(envelope.copy().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
              .put("delta", new JsonObject()).put("logprobs", null)
              .put("finish_reason", finishReason == null ? "stop" : finishReason))));
          if (includeUsage) {
            end.appendBuffer(event(envelope.copy().put("choices", new JsonArray()).put("usage", OpenAiRoutes.usage(usage))));
          }
          return end.appendString("data: [DONE]\n\n");
        }
      };
    };
  }

  private static Buffer event(JsonObject chunk) {
    return Buffer.buffer("data: ").appendBuffer(chunk.toBuffer()).appendString("\n\n");
  }
}
