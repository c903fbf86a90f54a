package io.learngrid.support;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenAI-compatible upstream that answers what a test tells it to: a given completion text, an
 * HTTP error, nothing at all (a hang), or nothing until the test says what (a hold). The project's
 * simulator only writes valid quizzes; this stands in where a test needs the model to misbehave
 * in one precise way, or at one precise moment.
 */
public final class ScriptedUpstream implements AutoCloseable {

  /** What the next chat requests get. */
  public sealed interface Script permits Reply, Fail, Hang, Hold {}

  public record Reply(String content) implements Script {}

  public record Fail(int status) implements Script {}

  public record Hang() implements Script {}

  /** Parked until {@link #answerHeld} says what they get. */
  public record Hold() implements Script {}

  private final Vertx vertx = Vertx.vertx();
  private final AtomicReference<Script> script;
  /** What the very next request gets instead of {@link #script}, if set. */
  private final AtomicReference<Script> once = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final Queue<String> userAgents = new ConcurrentLinkedQueue<>();
  private final Queue<String> bodies = new ConcurrentLinkedQueue<>();
  /** Held requests, each with the event loop it must be answered on. */
  private final Queue<Map.Entry<HttpServerRequest, Context>> held = new ConcurrentLinkedQueue<>();
  private final HttpServer server;

  public ScriptedUpstream(Script initial) {
    script = new AtomicReference<>(initial);
    try {
      server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        requests.incrementAndGet();
        userAgents.add(String.valueOf(request.getHeader("User-Agent")));
        bodies.add(body.toString());
        Script next = once.getAndSet(null);
        answer(request, next != null ? next : script.get());
      })).listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("scripted upstream did not start", e);
    }
  }

  private void answer(HttpServerRequest request, Script script) {
    switch (script) {
      case Reply reply -> request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("id", "chatcmpl-scripted").put("object", "chat.completion").put("model", "scripted")
          .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
              .put("message", new JsonObject().put("role", "assistant").put("content", reply.content()))))
          .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 10)
              .put("total_tokens", 20))
          .encode());
      case Fail fail -> request.response().setStatusCode(fail.status()).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("message", "scripted failure")
              .put("type", "server_error")).encode());
      case Hang hang -> { }
      case Hold hold -> held.add(Map.entry(request, Vertx.currentContext()));
    }
  }

  /** Answers every request held so far with {@code script}. */
  public void answerHeld(Script script) {
    for (Map.Entry<HttpServerRequest, Context> parked; (parked = held.poll()) != null; ) {
      HttpServerRequest request = parked.getKey();
      parked.getValue().runOnContext(v -> answer(request, script));
    }
  }

  public void play(Script next) {
    once.set(null);
    script.set(next);
  }

  /** The next request gets {@code first}, every later one {@code then}: no race with a worker's retry. */
  public void play(Script first, Script then) {
    script.set(then);
    once.set(first);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Chat requests received so far. */
  public int requests() {
    return requests.get();
  }

  /** The User-Agent of every chat request so far, in order ("null" for none). */
  public java.util.List<String> userAgents() {
    return java.util.List.copyOf(userAgents);
  }

  /** The body of every chat request so far, in order: which prompts reached the model, and how often. */
  public java.util.List<String> bodies() {
    return java.util.List.copyOf(bodies);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
