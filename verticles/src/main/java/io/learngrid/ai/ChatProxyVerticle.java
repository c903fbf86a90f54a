package io.learngrid.ai;

import io.learngrid.bus.ai.AiUsage;
import io.learngrid.bus.Bus;
import io.learngrid.bus.BusError;
import io.learngrid.bus.ai.ChatMessage;
import io.learngrid.bus.ai.ChatReply;
import io.learngrid.bus.ai.ChatRequest;
import io.learngrid.bus.ai.ListModels;
import io.learngrid.bus.ai.ModelList;
import io.learngrid.bus.HealthQuery;
import io.learngrid.bus.Ping;
import io.learngrid.bus.Pong;
import io.learngrid.bus.RoleHealth;
import io.learngrid.config.LearngridConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The ai role: an AI gateway in front of OpenAI-compatible upstreams. Whole replies are served here
 * (budget, cache, single-flight, {@link UpstreamRouter}); streamed ones by {@link ChatStreams}.
 */
public final class ChatProxyVerticle extends VerticleBase {

  private final LearngridConfig config;
  private final LearngridConfig.Ai settings;
  private final long drainMillis;
  private final MeterRegistry registry;
  private final String nodeId;
  private List<Upstream> upstreams;
  private UpstreamRouter router;
  private ResponseCache cache;
  private TokenBudget budget;
  private UsageRecorder usage;
  private AiMetrics metrics;
  private ChatStreams streams;
  private Moderation moderation;

  public ChatProxyVerticle(LearngridConfig config, MeterRegistry registry, String nodeId) {
    this.config = config;
    this.nodeId = nodeId;
    this.drainMillis = config.shutdown().timeoutMillis();
    this.settings = config.ai();
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    metrics = new AiMetrics(registry);
    upstreams = settings.upstreams().stream().map(u -> new Upstream(vertx, u, settings, metrics)).toList();
    router = new UpstreamRouter(vertx, upstreams, settings, metrics);
    long cacheTimeout = config.redis().busTimeoutMillis();
    cache = new ResponseCache(vertx, settings, metrics, cacheTimeout);
    budget = new TokenBudget(vertx, settings, cacheTimeout, registry);
    usage = new UsageRecorder(vertx, settings, metrics, config.busTimeoutMillis());
    moderation = new Moderation(settings, upstreams, registry);
    streams = new ChatStreams(vertx, settings, router, cache, budget, usage, metrics, moderation);
    return Future.all(
        Bus.serve(vertx, ChatRequest.ENDPOINT, this::chat).completion(),
        Bus.serve(vertx, ListModels.ENDPOINT, list -> Future.succeededFuture(models())).completion(),
        Bus.serve(vertx, Ping.AI, ping -> Future.succeededFuture(
            router.allOpen() ? Pong.down("circuit open") : Pong.up())).completion(),
        Bus.serve(vertx, HealthQuery.AI, query -> Future.succeededFuture(new RoleHealth(nodeId, breakers())))
            .completion(),
        streams.start());
  }

  private ModelList models() {
    java.util.LinkedHashSet<String> models = new java.util.LinkedHashSet<>();
    models.add(settings.model());
    upstreams.forEach(upstream -> models.addAll(upstream.settings.models()));
    return new ModelList(List.copyOf(models));
  }

  /** Each upstream's circuit: closed, open or half-open. */
  private JsonObject breakers() {
    JsonObject breakers = new JsonObject();
    upstreams.forEach(upstream -> breakers.put(upstream.name(), upstream.circuit()));
    return new JsonObject().put("breakers", breakers);
  }

  private Future<ChatReply> chat(ChatRequest request) {
    if (request.messages() == null || request.messages().isEmpty()) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("a chat needs messages"));
    }
    String model = request.model() != null ? request.model() : settings.model();
    String key = ResponseCache.key(model, request.messages(), request.options());
    int ttl = cache.ttlSeconds(request.purpose());
    long started = System.nanoTime();
    long lock = cache.lockMillis(request.purpose());
    TokenBudget.Reservation reservation = budget.reservation(request.userId(), request.apiKeyId(),
        request.keyDailyTokens(), budget.estimate(request.messages(), request.options()));
    // One cache-role round trip: every budget's reservation and the reply-cache lookup; the input's
    // moderation runs beside it. A refusal by moderation gives the lookup's load lock back.
    Future<ResponseCache.Lookup> admitted = budget.admit(reservation, ttl > 0 ? key : null, lock);
    return moderation.inputAlongside(request, admitted)
        .onFailure(refused -> admitted.onSuccess(taken -> cache.release(key, taken)))
        .compose(first -> {
          if (ttl == 0) {
            return call(request, model, started);
          }
          return first.hit() != null
              ? Future.succeededFuture(ResponseCache.cached(first.hit()))
              : cache.once(key, ttl, lock, first, () -> call(request, model, started));
        })
        .andThen(done -> {
          // The caller whose call ran pays its real usage; a failure or a shared reply gives the hold back.
          if (done.succeeded() && !done.result().cached()) {
            ChatReply.Usage tokens = done.result().usage();
            budget.settle(reservation, (long) tokens.promptTokens() + tokens.completionTokens());
          } else {
            budget.release(reservation);
          }
        })
        .onSuccess(reply -> {
          // Served from the cache, or shared with an identical prompt's call: counted, at no cost.
          if (reply.cached()) {
            metrics.request("cache", model, AiMetrics.CACHED);
            usage.record(usageOf(usage, request, model, null, reply.usage(), started, true, false));
          }
        });
  }

  private Future<ChatReply> call(ChatRequest request, String model, long started) {
    long sent = System.nanoTime();
    return router.send(model, body(request.messages(), request.options()), false).compose(exchange -> {
      long upstreamMicros = (System.nanoTime() - sent) / 1_000;
      exchange.upstream().finish(exchange);
      if (exchange.response().statusCode() != 200) {
        metrics.request(exchange.upstream().name(), exchange.model(), AiMetrics.REJECTED);
        return Future.failedFuture(BusError.BAD_REQUEST.exception("AI upstream rejected the request ("
            + exchange.response().statusCode() + ")"));
      }
      ChatReply reply;
      try {
        JsonObject json = exchange.body().toJsonObject();
        JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
        JsonObject message = choice.getJsonObject("message");
        JsonObject tokens = json.getJsonObject("usage", new JsonObject());
        String content = message.getString("content");
        reply = new ChatReply(new ChatMessage("assistant", content == null ? "" : content),
            json.getString("model", exchange.model()),
            new ChatReply.Usage(tokens.getInteger("prompt_tokens", 0), tokens.getInteger("completion_tokens", 0)),
            false, choice.getString("finish_reason"), message.getJsonArray("tool_calls"), upstreamMicros);
      } catch (RuntimeException e) {
        metrics.request(exchange.upstream().name(), exchange.model(), AiMetrics.UPSTREAM_ERROR);
        return Future.failedFuture(BusError.UNAVAILABLE.exception("AI upstream sent a malformed reply"));
      }
      String upstream = exchange.upstream().name();
      metrics.request(upstream, exchange.model(), AiMetrics.OK);
      metrics.firstByte(upstream, exchange.firstByteNanos());
      metrics.total(upstream, false, System.nanoTime() - exchange.startedNanos());
      AiUsage row = usageOf(usage, request, exchange.model(), upstream, reply.usage(), started, false, false);
      metrics.tokens(row.promptTokens(), row.completionTokens(), row.cost());
      usage.record(row);
      // Paid for either way; a flagged reply is neither shown nor cached.
      return moderation.output(request, reply.message().content()).map(passed -> reply);
    });
  }

  static AiUsage usageOf(UsageRecorder usage, ChatRequest request, String model, String upstream, ChatReply.Usage tokens,
                          long started, boolean cached, boolean streamed) {
    int prompt = cached ? 0 : tokens.promptTokens();
    int completion = cached ? 0 : tokens.completionTokens();
    return new AiUsage(request.userId(), model, upstream, request.purposeOrChat(), prompt, completion,
        usage.cost(model, prompt, completion), (System.nanoTime() - started) / 1_000_000, cached, streamed,
        System.currentTimeMillis(), request.apiKeyId());
  }

  static JsonObject body(List<ChatMessage> messages) {
    JsonArray array = new JsonArray();
    messages.forEach(message -> array.add(new JsonObject().put("role", message.role()).put("content",
        message.content())));
    return new JsonObject().put("messages", array);
  }

  /** The upstream body: the messages, then the request's OpenAI options over them, as they came. */
  static JsonObject body(List<ChatMessage> messages, JsonObject options) {
    JsonObject body = body(messages);
    if (options != null) {
      options.forEach(option -> body.put(option.getKey(), option.getValue()));
    }
    return body;
  }

  @Override
  public Future<?> stop() {
    return Bus.drain(vertx, drainMillis).compose(drained -> {
      usage.flush();
      streams.stop();
      return Future.join(upstreams.stream().map(Upstream::close).toList());
    });
  }
}
