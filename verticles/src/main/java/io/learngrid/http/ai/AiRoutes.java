package io.learngrid.http.ai;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatReply;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.http.Caller;
import io.learngrid.http.Input;
import io.learngrid.http.Replies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** The AI routes; the work happens in the ai role, reached over the bus. */
public final class AiRoutes {

  private static final Set<String> CHAT_FIELDS = Set.of("messages", "model", "stream");
  private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");
  private static final Set<String> MESSAGE_ROLES = Set.of("system", "user", "assistant");

  private final BusClient ai;
  private final ChatStreamRelay streams;

  public AiRoutes(Vertx vertx, long chatTimeout, ChatStreamRelay streams) {
    this.ai = new BusClient(vertx, chatTimeout);
    this.streams = streams;
  }

  public void chat(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Input input = Input.of(ctx, CHAT_FIELDS);
    List<ChatMessage> messages = input.objects("messages", 1, 50, MESSAGE_FIELDS).stream()
        .map(message -> new ChatMessage(message.oneOf("role", MESSAGE_ROLES, true), message.text("content", 1, 32_000)))
        .toList();
    String model = input.optionalText("model", 1, 100);
    Boolean stream = input.optionalBoolean("stream");
    input.validate();
    if (Boolean.TRUE.equals(stream)) {
      streams.stream(ctx, caller.id(), model, messages);
      return;
    }
    Replies.json(ctx, 200, ai.request(ChatRequest.ENDPOINT, new ChatRequest(caller.id(), model, messages))
        .map(ChatReply::toJson));
  }
}
