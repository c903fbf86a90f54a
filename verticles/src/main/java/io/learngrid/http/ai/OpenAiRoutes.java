package io.learngrid.http.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatReply;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.bus.ai.ListModels;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.ProblemException;
import io.learngrid.http.auth.ApiKeys;
import io.learngrid.http.auth.GatewayAuth;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The OpenAI-compatible surface: {@code POST /v1/chat/completions} and {@code GET /v1/models} in
 * OpenAI's wire format, so the official SDKs work with {@code base_url} pointed here. It is a second
 * surface on the same gateway as {@code /api/v1/ai/chat}: the same bus requests to the ai role
 * (budgets, reply cache, single-flight, breakers, fallback), the same stream relay in another
 * {@link StreamFormat}. Fields the gateway does not read (temperature, tools, response_format, and
 * any it does not know) go to the upstream as they came.
 */
public final class OpenAiRoutes {

  /** Read here rather than passed on: the gateway sets them for the upstream itself. */
  private static final Set<String> OWN_FIELDS = Set.of("model", "messages", "stream", "stream_options");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private final BusClient ai;
  private final ChatStreamRelay streams;

  public OpenAiRoutes(Vertx vertx, long chatTimeout, ChatStreamRelay streams) {
    this.ai = new BusClient(vertx, chatTimeout);
    this.streams = streams;
  }

  public void chatCompletions(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    ApiKeys.Key key = GatewayAuth.key(ctx);
    Input input = Input.of(ctx);
    String model = input.text("model");
    Boolean stream = input.optionalBoolean("stream");
    // The contract has checked the messages; reading them through Input keeps a contract check that
    // could not run (a validator failure) from turning a malformed message into a 500.
    input.objects("messages").forEach(message -> message.text("role"));
    input.validate();
    if (key != null && !key.allows(model)) {
      throw new ProblemException(404, "The model `" + model + "` does not exist or you do not have access to it.");
    }
    JsonObject body = ctx.body().asJsonObject();
    JsonArray raw = body.getJsonArray("messages");
    List<ChatMessage> messages = new ArrayList<>(raw.size());
    boolean plain = true;
    for (int i = 0; i < raw.size(); i++) {
      JsonObject message = raw.getJsonObject(i);
      Object content = message.getValue("content");
      plain &= content instanceof String && message.size() == 2;
      messages.add(new ChatMessage(message.getString("role"), text(content)));
    }
    JsonObject options = new JsonObject();
    body.forEach(field -> {
      if (!OWN_FIELDS.contains(field.getKey())) {
        options.put(field.getKey(), field.getValue());
      }
    });
    if (!plain) {
      // Tool calls, names, content parts: the upstream gets the messages exactly as they came.
      options.put("messages", raw);
    }
    String keyId = key == null ? null : key.id();
    long keyBudget = key == null || key.dailyTokens() == null ? 0 : key.dailyTokens();
    JsonObject passed = options.isEmpty() ? null : options;
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    long created = System.currentTimeMillis() / 1000;
    if (Boolean.TRUE.equals(stream)) {
      JsonObject streamOptions = body.getValue("stream_options") instanceof JsonObject given ? given : new JsonObject();
      streams.stream(ctx, caller.id(), model, messages, keyId, keyBudget, passed,
          StreamFormat.openAi(id, created, Boolean.TRUE.equals(streamOptions.getValue("include_usage"))));
      return;
    }
    ai.request(ChatRequest.ENDPOINT, new ChatRequest(caller.id(), model, messages, null, keyId, keyBudget, passed))
        .onComplete(reply -> {
          Overhead.put(ctx, reply.upstreamMicros());
          ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
              .end(completion(id, created, reply).toBuffer());
        }, ctx::fail);
  }

  /** OpenAI's model list: what the ai role serves, narrowed to a key's allow-list. */
  public void models(RoutingContext ctx) {
    ApiKeys.Key key = GatewayAuth.key(ctx);
    ai.request(ListModels.ENDPOINT, new ListModels()).onComplete(list -> {
      JsonArray data = new JsonArray();
      list.models().stream().filter(model -> key == null || key.allows(model)).forEach(model -> data.add(
          new JsonObject().put("id", model).put("object", "model").put("created", 0).put("owned_by", "learngrid")));
      Overhead.put(ctx, 0);
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
          .end(new JsonObject().put("object", "list").put("data", data).toBuffer());
    }, ctx::fail);
  }

  /** OpenAI's {@code chat.completion} for {@code reply}. */
  static JsonObject completion(String id, long created, ChatReply reply) {
    String content = reply.message().content();
    JsonObject message = new JsonObject().put("role", "assistant")
        .put("content", reply.toolCalls() != null && content.isEmpty() ? null : content)
        .put("refusal", null);
    if (reply.toolCalls() != null) {
      message.put("tool_calls", reply.toolCalls());
    }
    return new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
        .put("model", reply.model())
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .put("logprobs", null).put("finish_reason", reply.finishReason() == null ? "stop" : reply.finishReason())))
        .put("usage", usage(reply.usage()))
        .put("system_fingerprint", (String) null);
  }

  static JsonObject usage(ChatReply.Usage usage) {
    int prompt = usage == null ? 0 : usage.promptTokens();
    int completion = usage == null ? 0 : usage.completionTokens();
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
  }

  /** A message's text: its content, or the text parts of a content array (images and the like count nothing). */
  private static String text(Object content) {
    if (content instanceof String text) {
      return text;
    }
    if (content instanceof JsonArray parts) {
      StringBuilder text = new StringBuilder();
      for (Object part : parts) {
        if (part instanceof JsonObject object && object.getValue("text") instanceof String piece) {
          text.append(piece);
        }
      }
      return text.toString();
    }
    return "";
  }
}
