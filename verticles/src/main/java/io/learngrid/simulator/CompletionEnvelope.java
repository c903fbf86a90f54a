package io.learngrid.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The fields every response for one request shares, and the OpenAI JSON built from them.
 *
 * @param id           {@code chatcmpl-…}, the same in every chunk of a stream as upstream
 * @param created      epoch seconds of the request
 * @param model        the requested model, or {@code learngrid-sim}
 * @param promptTokens billed prompt size
 */
record CompletionEnvelope(String id, long created, String model, int promptTokens) {

  /** Body of a non-streaming {@code chat.completion}. */
  JsonObject completion(Completion completion) {
    JsonObject choice = new JsonObject()
        .put("index", 0)
        .put("message", new JsonObject().put("role", "assistant").put("content", completion.content()))
        .put("finish_reason", completion.finishReason());
    return header("chat.completion")
        .put("choices", new JsonArray().add(choice))
        .put("usage", usage(completion));
  }

  /** One streamed token; the first delta also carries the role, as OpenAI's does. */
  JsonObject tokenChunk(String token, boolean first) {
    JsonObject delta = new JsonObject();
    if (first) {
      delta.put("role", "assistant");
    }
    delta.put("content", token);
    return chunk(delta, null);
  }

  /** The closing chunk: empty delta, the finish reason, and the usage a client needs for accounting. */
  JsonObject finalChunk(Completion completion) {
    return chunk(new JsonObject(), completion.finishReason()).put("usage", usage(completion));
  }

  private JsonObject chunk(JsonObject delta, String finishReason) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason);
    return header("chat.completion.chunk").put("choices", new JsonArray().add(choice));
  }

  private JsonObject header(String object) {
    return new JsonObject().put("id", id).put("object", object).put("created", created).put("model", model);
  }

  private JsonObject usage(Completion completion) {
    return new JsonObject()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completion.completionTokens())
        .put("total_tokens", promptTokens + completion.completionTokens());
  }
}
