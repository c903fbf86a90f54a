package io.learngrid.ai;

import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.ChatMessage;
import io.learngrid.bus.ChatReply;
import io.learngrid.bus.ChatRequest;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.config.LearngridConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The ai role: chat completions against an OpenAI-compatible upstream, behind a circuit breaker so
 * that a failing upstream costs callers an immediate 503 instead of a long wait each.
 */
public final class ChatProxyVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ChatProxyVerticle.class.getName());

  private final LearngridConfig.Ai settings;
  private final long drainMillis;
  private WebClient client;
  private CircuitBreaker breaker;

  public ChatProxyVerticle(LearngridConfig config) {
    this.drainMillis = config.shutdown().timeoutMillis();
    this.settings = config.ai();
  }

  @Override
  public Future<?> start() {
    // Seed figures for the OpenAI pool: 50 sockets, 10 kept idle.
    client = WebClient.create(vertx, new WebClientOptions()
            .setKeepAlive(true)
            .setConnectTimeout(5_000)
            .setUserAgent("learngrid"),
        new PoolOptions().setHttp1MaxSize(50));
    breaker = CircuitBreaker.create("ai-upstream", vertx, new CircuitBreakerOptions()
        .setMaxFailures(settings.breakerMaxFailures())
        .setTimeout(settings.timeoutMillis())
        .setResetTimeout(settings.breakerResetMillis()));
    breaker.openHandler(v -> LOG.warning("AI upstream circuit opened"));
    breaker.closeHandler(v -> LOG.info("AI upstream circuit closed"));
    Bus.serve(vertx, ChatRequest.ADDRESS, ChatRequest.class, this::chat);
    Bus.serve(vertx, Ping.AI, Ping.class, ping -> Future.succeededFuture(
        breaker.state() == CircuitBreakerState.OPEN ? Pong.down("circuit open") : Pong.up()));
    return Future.succeededFuture();
  }

  private Future<ChatReply> chat(ChatRequest request) {
    String model = request.model() != null ? request.model() : settings.model();
    JsonArray messages = new JsonArray();
    request.messages().forEach(message -> messages.add(message.toJson()));
    JsonObject body = new JsonObject().put("model", model).put("messages", messages).put("stream", false);
    return breaker.<HttpResponse<?>>execute(() -> call(body))
        .recover(failure -> Future.failedFuture(toBusError(failure)))
        .compose(this::reply);
  }

  /** Fails (and so counts against the breaker) only when the upstream itself is in trouble. */
  private Future<HttpResponse<?>> call(JsonObject body) {
    var post = client.postAbs(settings.url() + "/v1/chat/completions").timeout(settings.timeoutMillis());
    if (settings.apiKey() != null) {
      post.bearerTokenAuthentication(settings.apiKey());
    }
    return post.sendJsonObject(body).compose(response -> switch (response.statusCode()) {
      case 401, 403 -> Future.failedFuture(BusError.UNAVAILABLE.exception("AI upstream refused our credentials"));
      case 429 -> Future.failedFuture(BusError.UNAVAILABLE.exception("AI upstream is rate limiting us"));
      default -> response.statusCode() >= 500
          ? Future.failedFuture(BusError.UNAVAILABLE.exception("AI upstream answered " + response.statusCode()))
          : Future.succeededFuture(response);
    });
  }

  private Future<ChatReply> reply(HttpResponse<?> response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("AI upstream rejected the request ("
          + response.statusCode() + ")"));
    }
    try {
      JsonObject json = response.bodyAsJsonObject();
      JsonObject message = json.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
      JsonObject usage = json.getJsonObject("usage", new JsonObject());
      return Future.succeededFuture(new ChatReply(
          new ChatMessage("assistant", message.getString("content", "")),
          json.getString("model"),
          new ChatReply.Usage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0)),
          false));
    } catch (RuntimeException e) {
      return Future.failedFuture(BusError.UNAVAILABLE.exception("AI upstream sent a malformed reply"));
    }
  }

  private static ReplyException toBusError(Throwable failure) {
    if (failure instanceof ReplyException typed) {
      return typed;
    }
    if (failure instanceof OpenCircuitException) {
      return BusError.UNAVAILABLE.exception("AI upstream circuit is open");
    }
    if (failure instanceof TimeoutException || failure instanceof io.vertx.circuitbreaker.TimeoutException) {
      return BusError.UNAVAILABLE.exception("AI upstream timed out");
    }
    return BusError.UNAVAILABLE.exception("AI upstream unreachable");
  }

  @Override
  public Future<?> stop() {
    return Bus.drain(vertx, drainMillis).compose(drained -> {
      breaker.close();
      client.close();
      return Future.succeededFuture();
    });
  }
}
