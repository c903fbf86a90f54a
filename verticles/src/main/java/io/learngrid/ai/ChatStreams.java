package io.learngrid.ai;

import io.learngrid.bus.ai.AiUsage;
import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatModeration;
import io.learngrid.bus.ai.ChatReply;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.bus.ai.ChatStreamAccepted;
import io.learngrid.bus.ai.ChatStreamControl;
import io.learngrid.bus.ai.ChatStreamEvent;
import io.learngrid.bus.ai.ChatStreamStart;
import io.learngrid.bus.BusJson;
import io.learngrid.bus.Micros;
import io.learngrid.config.LearngridConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streamed chats, ai side of the stream protocol (docs/event-bus.md): accepts a
 * {@link ChatStreamStart} once an upstream has answered its head, relays the upstream's tokens as
 * {@link ChatStreamEvent}s no further ahead than the http side's credits (pausing the upstream read
 * otherwise), pings when it has sent nothing for a heartbeat, and cancels the upstream request when
 * told to or when three pings in a row go unanswered (the http side's node is gone).
 */
final class ChatStreams {

  private static final Logger LOG = LoggerFactory.getLogger(ChatStreams.class);
  /** Credits may not grow past this, whatever the http side sends: a bound on what one stream buffers. */
  private static final int MAX_CREDITS = 1_024;
  private static final int MAX_LINE_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final LearngridConfig.Ai settings;
  private final UpstreamRouter router;
  private final ResponseCache cache;
  private final TokenBudget budget;
  private final UsageRecorder usage;
  private final AiMetrics metrics;
  private final Moderation moderation;
  private final String controlAddress = "learngrid.ai.control." + UUID.randomUUID();
  private final Map<String, Session> sessions = new HashMap<>();
  private MessageConsumer<JsonObject> control;
  private long heartbeatTimer;

  ChatStreams(Vertx vertx, LearngridConfig.Ai settings, UpstreamRouter router, ResponseCache cache,
              TokenBudget budget, UsageRecorder usage, AiMetrics metrics, Moderation moderation) {
    this.vertx = vertx;
    this.settings = settings;
    this.router = router;
    this.cache = cache;
    this.budget = budget;
    this.usage = usage;
    this.metrics = metrics;
    this.moderation = moderation;
  }

  Future<Void> start() {
    control = vertx.eventBus().consumer(controlAddress, message -> {
      ChatStreamControl command;
      try {
        command = BusJson.fromJson(message.body(), ChatStreamControl.class);
      } catch (RuntimeException e) {
        return;
      }
      Session session = sessions.get(command.streamId());
      if (session != null) {
        session.control(command);
      }
    });
    Future<Void> served = Bus.serve(vertx, ChatStreamStart.ENDPOINT, this::open).completion();
    // One timer for all streams: each checks its own quiet time.
    heartbeatTimer = vertx.setPeriodic(Math.max(50, settings.heartbeatMillis() / 2),
        id -> Map.copyOf(sessions).values().forEach(Session::heartbeat));
    return Future.all(control.completion(), served).mapEmpty();
  }

  void stop() {
    vertx.cancelTimer(heartbeatTimer);
    Map.copyOf(sessions).values().forEach(session -> session.cancel("ai role stopping"));
  }

  private Future<ChatStreamAccepted> open(ChatStreamStart start) {
    if (start.streamId() == null || start.eventAddress() == null || start.messages() == null
        || start.messages().isEmpty()) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a stream needs streamId, eventAddress and messages"));
    }
    String model = start.model() != null ? start.model() : settings.model();
    ChatRequest request = new ChatRequest(start.userId(), model, start.messages(), ChatRequest.CHAT, start.apiKeyId(),
        start.keyDailyTokens(), start.options());
    String key = ResponseCache.key(model, start.messages(), start.options());
    int ttl = cache.ttlSeconds(ChatRequest.CHAT);
    long started = System.nanoTime();
    TokenBudget.Reservation reservation = budget.reservation(start.userId(), start.apiKeyId(), start.keyDailyTokens(),
        budget.estimate(start.messages(), start.options()));
    // The input's moderation runs beside the admission; a refusal by it gives the hold back.
    Future<ResponseCache.Lookup> admitted = budget.admit(reservation, ttl > 0 ? key : null, 0);
    return moderation.inputAlongside(request, admitted)
        .onFailure(refused -> admitted.onSuccess(taken -> budget.release(reservation)))
        .compose(lookup -> {
          ChatReply hit = lookup.hit();
          if (hit != null) {
            metrics.request("cache", model, AiMetrics.CACHED);
            usage.record(ChatProxyVerticle.usageOf(usage, request, model, null, hit.usage(), started, true, true));
            // The whole cached reply as one delta: it costs one credit, and every client has one.
            vertx.runOnContext(v -> {
              send(start, ChatStreamEvent.delta(start.streamId(), 0, hit.message().content(), 0));
              send(start, ChatStreamEvent.done(start.streamId(), 1, hit.usage(), hit.finishReason()));
            });
            return Future.succeededFuture(new ChatStreamAccepted(controlAddress, hit.model(), true, 0));
          }
          // The upstream's usage chunk is what the stream is settled with, whatever the client asked for.
          JsonObject body = ChatProxyVerticle.body(start.messages(), start.options())
              .put("stream_options", new JsonObject().put("include_usage", true));
          long sent = System.nanoTime();
          return router.send(model, body, true).map(exchange -> {
            Session session = new Session(start, request, exchange, key, ttl, lookup, started, reservation);
            sessions.put(start.streamId(), session);
            // After the reply is on its way: the http side learns of acceptance before the first delta.
            vertx.runOnContext(v -> session.read());
            return new ChatStreamAccepted(controlAddress, exchange.model(), false, (System.nanoTime() - sent) / 1_000);
          }).onFailure(failure -> budget.release(reservation));
        });
  }

  private void send(ChatStreamStart start, ChatStreamEvent event) {
    vertx.eventBus().send(start.eventAddress(), event.toJson());
  }

  /** One relayed stream; everything runs on the verticle's event loop. */
  private final class Session {

    private final ChatStreamStart start;
    private final ChatRequest request;
    private final Upstream.Exchange exchange;
    private final String cacheKey;
    private final int ttl;
    /** The cache lookup before the call: its generation guards the fill at the end. */
    private final ResponseCache.Lookup lookup;
    private final long started;
    private final TokenBudget.Reservation reservation;
    private final StringBuilder content = new StringBuilder();
    private RecordParser parser;
    private int credits;
    private boolean paused;
    private boolean ended;
    private long seq;
    private int deltas;
    private ChatReply.Usage upstreamUsage;
    private String finishReason;
    private long lastSentMillis = System.currentTimeMillis();
    /** Pings since the http side last said anything: it answers each, so three in a row mean it is gone. */
    private int unansweredPings;

    Session(ChatStreamStart start, ChatRequest request, Upstream.Exchange exchange, String cacheKey, int ttl,
            ResponseCache.Lookup lookup, long started, TokenBudget.Reservation reservation) {
      this.start = start;
      this.request = request;
      this.exchange = exchange;
      this.cacheKey = cacheKey;
      this.ttl = ttl;
      this.lookup = lookup;
      this.started = started;
      this.reservation = reservation;
      this.credits = Math.max(1, Math.min(MAX_CREDITS, start.credits()));
    }

    void read() {
      if (ended) {
        return;
      }
      parser = RecordParser.newDelimited("\n", exchange.response());
      // An OpenAI stream line is one small JSON chunk; a longer one is a broken upstream, not a reason to buffer.
      parser.maxRecordSize(MAX_LINE_BYTES);
      parser.handler(this::line);
      parser.exceptionHandler(failure -> fail("AI upstream stream failed: " + failure.getMessage()));
      parser.endHandler(v -> finish());
      exchange.response().resume();
    }

    private void line(Buffer raw) {
      if (ended) {
        return;
      }
      long readAt = Micros.now();
      StreamChunk chunk;
      try {
        chunk = StreamChunk.parse(raw);
      } catch (IllegalArgumentException e) {
        fail("AI upstream sent a malformed stream event");
        return;
      }
      if (chunk == null) {
        return;
      }
      if (chunk.usage() != null) {
        upstreamUsage = chunk.usage();
      }
      if (chunk.finishReason() != null) {
        finishReason = chunk.finishReason();
      }
      String text = chunk.content();
      if (text == null || text.isEmpty()) {
        return;
      }
      if (deltas == 0) {
        metrics.firstByte(exchange.upstream().name(), System.nanoTime() - exchange.startedNanos());
      }
      deltas++;
      content.append(text);
      emit(ChatStreamEvent.delta(start.streamId(), seq++, text, readAt));
      if (--credits <= 0 && !paused) {
        // The SSE client has not taken what we sent: stop reading the upstream until it does.
        paused = true;
        parser.pause();
      }
    }

    void control(ChatStreamControl command) {
      unansweredPings = 0;
      if (ChatStreamControl.CANCEL.equals(command.type())) {
        cancel("client went away");
      } else if (ChatStreamControl.CREDIT.equals(command.type()) && command.credits() > 0) {
        credits = Math.min(MAX_CREDITS, credits + command.credits());
        if (paused && credits > 0) {
          paused = false;
          parser.resume();
        }
      }
    }

    void heartbeat() {
      if (System.currentTimeMillis() - lastSentMillis < settings.heartbeatMillis()) {
        return;
      }
      if (unansweredPings >= 3) {
        cancel("the http side has not answered three pings");
      } else {
        unansweredPings++;
        emit(ChatStreamEvent.ping(start.streamId(), seq++));
      }
    }

    private void emit(ChatStreamEvent event) {
      lastSentMillis = System.currentTimeMillis();
      send(start, event);
    }

    private void finish() {
      if (ended) {
        return;
      }
      end();
      ChatReply.Usage tokens = upstreamUsage != null ? upstreamUsage : new ChatReply.Usage(0, deltas);
      String upstream = exchange.upstream().name();
      metrics.request(upstream, exchange.model(), AiMetrics.OK);
      metrics.total(upstream, true, System.nanoTime() - exchange.startedNanos());
      account(tokens);
      // Output moderation of a stream can only judge the whole reply, once the student has read it:
      // a flagged one ends with an error instead of done, and is not cached for anyone else.
      moderation.output(request, content.toString()).onComplete(moderated -> {
        if (moderated.failed()) {
          emit(ChatStreamEvent.error(start.streamId(), seq++, moderated.cause() instanceof ReplyException refused
              && refused.failureCode() == ChatModeration.FLAGGED.code()
              ? ChatModeration.FLAGGED_OUTPUT : "content moderation is unavailable"));
          return;
        }
        emit(ChatStreamEvent.done(start.streamId(), seq++, tokens, finishReason));
        cache.fill(cacheKey, new ChatReply(new ChatMessage("assistant", content.toString()), exchange.model(), tokens,
            false, finishReason, null, 0), ttl, lookup);
      });
    }

    private void fail(String detail) {
      if (ended) {
        return;
      }
      end();
      exchange.request().reset();
      LOG.warn("stream " + start.streamId() + " from AI upstream '" + exchange.upstream().name() + "' failed after "
          + deltas + " deltas: " + detail);
      metrics.request(exchange.upstream().name(), exchange.model(), AiMetrics.UPSTREAM_ERROR);
      emit(ChatStreamEvent.error(start.streamId(), seq++, "the AI upstream failed mid-stream"));
      account(new ChatReply.Usage(upstreamUsage == null ? 0 : upstreamUsage.promptTokens(), deltas));
    }

    void cancel(String reason) {
      if (ended) {
        return;
      }
      end();
      // Resetting the request closes its connection: the upstream stops generating (and billing).
      exchange.request().reset();
      LOG.atDebug().log(() -> "stream " + start.streamId() + " cancelled after " + deltas + " deltas: " + reason);
      metrics.request(exchange.upstream().name(), exchange.model(), AiMetrics.CANCELLED);
      account(new ChatReply.Usage(0, deltas));
    }

    private void end() {
      ended = true;
      sessions.remove(start.streamId());
      exchange.upstream().finish(exchange);
    }

    private void account(ChatReply.Usage tokens) {
      AiUsage row = ChatProxyVerticle.usageOf(usage, request, exchange.model(), exchange.upstream().name(), tokens,
          started, false, true);
      metrics.tokens(row.promptTokens(), row.completionTokens(), row.cost());
      usage.record(row);
      budget.settle(reservation, (long) row.promptTokens() + row.completionTokens());
    }
  }
}
