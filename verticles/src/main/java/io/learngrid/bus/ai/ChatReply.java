package io.learngrid.bus.ai;

import io.learngrid.bus.BusMessage;
import io.vertx.core.json.JsonArray;

/**
 * Reply to {@link ChatRequest}, in docs/api.md's shape, plus what the OpenAI-compatible surface
 * shows besides (each null when absent): the upstream's {@code finishReason} and {@code toolCalls}
 * (OpenAI's {@code message.tool_calls}, as it sent them), and {@code upstreamMicros}, the time the
 * upstream took (0 for a reply this caller did not pay for): the http role reports its own time
 * minus this as the gateway's overhead.
 */
public record ChatReply(ChatMessage message, String model, Usage usage, boolean cached, String finishReason,
                        JsonArray toolCalls, long upstreamMicros) implements BusMessage {

  public ChatReply(ChatMessage message, String model, Usage usage, boolean cached) {
    this(message, model, usage, cached, null, null, 0);
  }

  public record Usage(int promptTokens, int completionTokens) {}
}
