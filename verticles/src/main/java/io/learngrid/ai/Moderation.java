package io.learngrid.ai;

import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatModeration;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.bus.BusError;
import io.learngrid.config.AiModeration;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LEARNGRID_AI_MODERATION: chat text checked by the upstream's {@code /v1/moderations} (OpenAI's
 * API) before it reaches the model ({@code input}) and, with {@code both}, the model's reply before
 * it reaches the student. Flagged text fails the request with {@link ChatModeration#FLAGGED} (422).
 * Only chats are moderated (purpose {@code chat}, both HTTP surfaces): generation jobs are teachers'.
 * A moderation call that fails (every upstream down, a malformed reply) fails the chat with 503:
 * for students, unmoderated is not a fallback.
 */
final class Moderation {

  private static final Logger LOG = LoggerFactory.getLogger(Moderation.class);

  private final AiModeration mode;
  private final String model;
  private final List<Upstream> upstreams;
  private final long timeoutMillis;
  private final MeterRegistry registry;

  Moderation(LearngridConfig.Ai settings, List<Upstream> upstreams, MeterRegistry registry) {
    this.mode = settings.moderation();
    this.model = settings.moderationModel();
    this.upstreams = upstreams;
    this.timeoutMillis = Math.min(settings.timeoutMillis(), 10_000);
    this.registry = registry;
  }

  /**
   * {@code alongside} (the cache lookup) once the request's messages passed moderation: the check
   * runs beside it, not before it, so the moderation call adds no round trip of its own.
   */
  <T> Future<T> inputAlongside(ChatRequest request, Future<T> alongside) {
    if (!mode.input() || !ChatRequest.CHAT.equals(request.purposeOrChat())) {
      return alongside;
    }
    JsonArray texts = new JsonArray();
    for (ChatMessage message : request.messages()) {
      if (message != null && message.content() != null && !message.content().isEmpty()) {
        texts.add(message.content());
      }
    }
    return Future.all(check("input", texts), alongside).map(both -> alongside.result());
  }

  /** Succeeds when output moderation is off or the reply passed. */
  Future<Void> output(ChatRequest request, String content) {
    if (!mode.output() || !ChatRequest.CHAT.equals(request.purposeOrChat()) || content == null || content.isEmpty()) {
      return Future.succeededFuture();
    }
    return check("output", new JsonArray().add(content));
  }

  private Future<Void> check(String stage, JsonArray texts) {
    if (texts.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject body = new JsonObject().put("input", texts);
    if (model != null) {
      body.put("model", model);
    }
    return call(body, 0).transform(result -> {
      if (result.failed()) {
        count(stage, "failed");
        LOG.warn("AI moderation (" + stage + ") failed, the chat is refused: " + result.cause().getMessage());
        return Future.failedFuture(BusError.UNAVAILABLE.exception("content moderation is unavailable", 1));
      }
      boolean flagged;
      try {
        flagged = result.result().getJsonArray("results").stream()
            .anyMatch(item -> ((JsonObject) item).getBoolean("flagged", false));
      } catch (RuntimeException e) {
        count(stage, "failed");
        LOG.warn("AI moderation (" + stage + ") answered without results, the chat is refused");
        return Future.failedFuture(BusError.UNAVAILABLE.exception("content moderation is unavailable", 1));
      }
      count(stage, flagged ? "flagged" : "passed");
      return flagged
          ? Future.failedFuture(ChatModeration.FLAGGED.exception("output".equals(stage)
              ? ChatModeration.FLAGGED_OUTPUT : ChatModeration.FLAGGED_INPUT))
          : Future.succeededFuture();
    });
  }

  /** The upstreams in order, the next one when one fails; open circuits are skipped. */
  private Future<JsonObject> call(JsonObject body, int index) {
    if (index >= upstreams.size()) {
      return Future.failedFuture("no upstream answered");
    }
    Upstream upstream = upstreams.get(index);
    if (upstream.circuitOpen()) {
      return call(body, index + 1);
    }
    return upstream.moderate(body, timeoutMillis).recover(failure -> index + 1 < upstreams.size()
        ? call(body, index + 1) : Future.failedFuture(failure));
  }

  private void count(String stage, String outcome) {
    Counter.builder("learngrid.ai.moderation")
        .tags("stage", stage, "outcome", outcome)
        .description("AI chat text checked by /v1/moderations (LEARNGRID_AI_MODERATION): passed, flagged or failed")
        .register(registry).increment();
  }
}
