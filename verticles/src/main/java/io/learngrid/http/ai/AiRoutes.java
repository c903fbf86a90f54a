package io.learngrid.http.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatReply;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The AI routes; the work happens in the ai role, reached over the bus. */
public final class AiRoutes {


  private final BusClient ai;
  private final ChatStreamRelay streams;

  public AiRoutes(Vertx vertx, long chatTimeout, ChatStreamRelay streams) {
    this.ai = new BusClient(vertx, chatTimeout);
    this.streams = streams;
  }

  public void chat(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Input input = Input.of(ctx);
    List<ChatMessage> messages = input.objects("messages").stream()
        .map(message -> new ChatMessage(message.text("role"), message.text("content")))
        .toList();
    String model = input.optionalText("model");
    Boolean stream = input.optionalBoolean("stream");
    input.validate();
    if (Boolean.TRUE.equals(stream)) {
      streams.stream(ctx, caller.id(), model, messages);
      return;
    }
    Replies.json(ctx, 200, ai.request(ChatRequest.ENDPOINT, new ChatRequest(caller.id(), model, messages))
        .map(reply -> {
          Overhead.put(ctx, reply.upstreamMicros());
          return v1(reply);
        }));
  }

  /** docs/api.md's reply: what the OpenAI surface shows besides (finish reason, tool calls) stays out. */
  static JsonObject v1(ChatReply reply) {
    return new JsonObject().put("message", reply.message().toJson()).put("model", reply.model())
        .put("usage", new JsonObject().put("promptTokens", reply.usage().promptTokens())
            .put("completionTokens", reply.usage().completionTokens()))
        .put("cached", reply.cached());
  }
}
