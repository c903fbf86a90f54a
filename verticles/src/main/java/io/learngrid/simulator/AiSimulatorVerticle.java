package io.learngrid.simulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible chat completion upstream for the dev node and the tests: deterministic answers, realistic
 * token timing, streaming, quiz JSON on request, and injectable 429/500 faults.
 *
 * <p>Deploy one instance per settings: the fault sequence and the counters belong to the instance.
 * The {@code Authorization} header is accepted but neither required (the dev node has no key) nor ever logged.
 */
public class AiSimulatorVerticle extends VerticleBase {

  public static final String DEFAULT_MODEL = "learngrid-sim";

  private static final Logger LOG = LoggerFactory.getLogger(AiSimulatorVerticle.class);
  /** Prompts are small; a cap keeps a runaway client from filling the heap. */
  private static final long BODY_LIMIT_BYTES = 1024 * 1024;
  private static final String JSON = "application/json";

  private final SimulatorSettings settings;
  private final FaultInjector faults;
  private final AnswerGenerator answers;
  private final AtomicLong chatRequests = new AtomicLong();
  private final AtomicLong cancelledStreams = new AtomicLong();
  /** Requests of any kind (streamed, whole, hung) whose client went away before the answer ended. */
  private final AtomicLong cancelledRequests = new AtomicLong();
  private final AtomicLong completedRequests = new AtomicLong();
  private final AtomicLong moderationRequests = new AtomicLong();
  /** What moderation flags: the settings' words, until a test sets others. */
  private volatile List<String> flaggedWords;
  private volatile HttpServer server;

  public AiSimulatorVerticle(SimulatorSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.faults = new FaultInjector(settings.seed(), settings.rateLimitRate(), settings.errorRate(),
        settings.hangRate(), settings.disconnectRate());
    this.answers = new AnswerGenerator(settings.seed(), settings.maxTokens());
    this.flaggedWords = settings.flaggedWords();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/v1/chat/completions").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT_BYTES));
    router.post("/v1/chat/completions").handler(this::chatCompletions);
    router.post("/v1/moderations").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT_BYTES));
    router.post("/v1/moderations").handler(this::moderations);
    router.get("/v1/models").handler(ctx -> sendJson(ctx.response(), 200, new JsonObject()
        .put("object", "list")
        .put("data", new JsonArray().add(new JsonObject().put("id", DEFAULT_MODEL).put("object", "model")))));
    // Test and benchmark hooks: what the simulator saw, and faults planned for the next requests.
    router.get("/sim/stats").handler(ctx -> sendJson(ctx.response(), 200, stats()));
    // The plan is JSON whatever the Content-Type says: curl -d sends a form type, and the form
    // decoder would take the body apart (and refuse a long plan) before the plan is read.
    router.post("/sim/faults").handler(ctx -> {
      ctx.request().headers().set("Content-Type", "application/json");
      ctx.next();
    });
    router.post("/sim/faults").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT_BYTES));
    router.post("/sim/faults").handler(this::planFaults);
    router.get("/health").handler(ctx -> sendJson(ctx.response(), 200, new JsonObject().put("status", "UP")));
    router.errorHandler(404, ctx -> routeError(ctx, 404, "Invalid URL"));
    router.errorHandler(405, ctx -> routeError(ctx, 405, "Method not allowed"));
    router.errorHandler(413, ctx -> routeError(ctx, 413, "Request body too large"));
    router.errorHandler(500, this::unexpectedError);

    return vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(router)
        .listen(settings.port(), settings.host())
        .onSuccess(started -> {
          server = started;
          LOG.info("AI simulator listening on " + settings.host() + ":" + started.actualPort()
              + " " + settings);
        });
  }

  @Override
  public Future<?> stop() {
    HttpServer current = server;
    return current == null ? Future.succeededFuture() : current.close()
        .onComplete(ignored -> LOG.info("AI simulator stopped after " + chatRequests.get() + " chat requests"));
  }

  /** The bound port, useful when the settings asked for an ephemeral one. */
  public int actualPort() {
    HttpServer current = server;
    if (current == null) {
      throw new IllegalStateException("AI simulator is not started");
    }
    return current.actualPort();
  }

  /** Chat completion requests received, valid or not. */
  public long chatRequests() {
    return chatRequests.get();
  }

  /** Streams whose client went away before {@code [DONE]}. */
  public long cancelledStreams() {
    return cancelledStreams.get();
  }

  /** Requests whose client closed the connection before the answer ended (the upstream call was cancelled). */
  public long cancelledRequests() {
    return cancelledRequests.get();
  }

  /** Requests answered in full (200, 4xx or 5xx). */
  public long completedRequests() {
    return completedRequests.get();
  }

  /**
   * Plans the next requests' fates, in order ({@code none}, {@code 429}, {@code 500}, {@code hang},
   * {@code disconnect}); the seeded draws resume after them.
   */
  public void planFaults(String... faults) {
    this.faults.plan(Arrays.stream(faults).map(FaultInjector.Fault::parse).toList());
  }

  /** Moderation requests received, valid or not. */
  public long moderationRequests() {
    return moderationRequests.get();
  }

  /** From now on {@code /v1/moderations} flags inputs containing one of these words (none: flags nothing). */
  public void flagWords(String... words) {
    this.flaggedWords = Arrays.stream(words).map(word -> word.toLowerCase(Locale.ROOT)).toList();
  }

  public JsonObject stats() {
    return new JsonObject()
        .put("requests", chatRequests.get())
        .put("completed", completedRequests.get())
        .put("cancelled", cancelledRequests.get())
        .put("cancelledStreams", cancelledStreams.get())
        .put("moderations", moderationRequests.get());
  }

  private void planFaults(RoutingContext ctx) {
    try {
      JsonArray next = bodyAsJsonObject(ctx).getJsonArray("next", new JsonArray());
      faults.plan(next.stream().map(value -> FaultInjector.Fault.parse(String.valueOf(value))).toList());
    } catch (RuntimeException e) {
      sendJson(ctx.response(), 400, OpenAiErrors.invalidRequest("body must be {\"next\": [\"429\"|\"500\"|"
          + "\"hang\"|\"disconnect\"|\"none\", ...]}", "next"));
      return;
    }
    ctx.response().setStatusCode(204).end();
  }

  public SimulatorSettings settings() {
    return settings;
  }

  private void chatCompletions(RoutingContext ctx) {
    long number = chatRequests.incrementAndGet();
    HttpServerResponse response = ctx.response();
    // The gateway in front of a hosted model throttles before it reads the body, so faults come first.
    FaultInjector.Fault fault = faults.next();
    switch (fault) {
      case RATE_LIMITED -> {
        LOG.atDebug().log(() -> "chat request #" + number + " answered 429 (injected)");
        response.putHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
        sendJson(response, 429, OpenAiErrors.rateLimited());
        return;
      }
      case SERVER_ERROR -> {
        LOG.atDebug().log(() -> "chat request #" + number + " answered 500 (injected)");
        sendJson(response, 500, OpenAiErrors.serverError());
        return;
      }
      case HANG -> {
        LOG.atDebug().log(() -> "chat request #" + number + " hangs (injected)");
        response.closeHandler(v -> cancelledRequests.incrementAndGet());
        return;
      }
      case NONE, DISCONNECT -> {
      }
    }

    ChatRequest request;
    try {
      request = ChatRequest.parse(bodyAsJsonObject(ctx));
    } catch (InvalidRequestException e) {
      LOG.atDebug().log(() -> "chat request #" + number + " rejected 400: " + e.getMessage());
      sendJson(response, 400, OpenAiErrors.invalidRequest(e.getMessage(), e.param()));
      return;
    }

    Completion completion = answers.answer(request);
    CompletionEnvelope envelope = new CompletionEnvelope(newId(), System.currentTimeMillis() / 1000,
        request.model() != null ? request.model() : DEFAULT_MODEL, request.promptTokens());
    LOG.atDebug().log(() -> "chat request #" + number + " id=" + envelope.id() + " model=" + envelope.model()
        + " stream=" + request.stream() + " promptTokens=" + envelope.promptTokens()
        + " completionTokens=" + completion.completionTokens());

    if (request.stream()) {
      int dropAfter = fault == FaultInjector.Fault.DISCONNECT ? Math.max(1, completion.tokens().size() / 2) : -1;
      new CompletionStream(vertx, response, envelope, completion, settings.tokenMillis(), () -> {
        cancelledStreams.incrementAndGet();
        cancelledRequests.incrementAndGet();
      }, completedRequests::incrementAndGet, dropAfter).start(settings.firstTokenMillis());
    } else if (fault == FaultInjector.Fault.DISCONNECT) {
      // A whole answer has no middle: the connection drops when it would have been sent.
      long timerId = vertx.setTimer(Math.max(1, settings.firstTokenMillis()), id -> ctx.request().connection().close());
      response.closeHandler(v -> vertx.cancelTimer(timerId));
    } else {
      replyWhenGenerated(response, envelope, completion);
    }
  }

  /**
   * OpenAI's moderation API: {@code input} a string or a list (of strings, or of {@code {type:
   * "text", text}} parts); one result per input, flagged (category {@code harassment}) when it
   * contains a flagged word. Answers at once: moderation models are small and fast.
   */
  private void moderations(RoutingContext ctx) {
    moderationRequests.incrementAndGet();
    JsonArray inputs;
    try {
      Object input = bodyAsJsonObject(ctx).getValue("input");
      inputs = input instanceof String text ? new JsonArray().add(text) : (JsonArray) input;
      if (inputs == null || inputs.isEmpty()) {
        throw new InvalidRequestException("input must be a string or a non-empty list", "input");
      }
    } catch (InvalidRequestException e) {
      sendJson(ctx.response(), 400, OpenAiErrors.invalidRequest(e.getMessage(), e.param()));
      return;
    } catch (ClassCastException e) {
      sendJson(ctx.response(), 400, OpenAiErrors.invalidRequest("input must be a string or a list", "input"));
      return;
    }
    List<String> words = flaggedWords;
    JsonArray results = new JsonArray();
    for (Object input : inputs) {
      String text = (input instanceof JsonObject part ? String.valueOf(part.getValue("text")) : String.valueOf(input))
          .toLowerCase(Locale.ROOT);
      boolean flagged = words.stream().anyMatch(text::contains);
      results.add(new JsonObject()
          .put("flagged", flagged)
          .put("categories", new JsonObject().put("harassment", flagged).put("violence", false).put("self-harm", false))
          .put("category_scores", new JsonObject().put("harassment", flagged ? 0.97 : 0.001).put("violence", 0.001)
              .put("self-harm", 0.001)));
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    sendJson(ctx.response(), 200, new JsonObject()
        .put("id", "modr-" + Long.toHexString(random.nextLong() | Long.MIN_VALUE))
        .put("model", "omni-moderation-latest")
        .put("results", results));
  }

  /** Answers after the time the whole generation would take upstream, with one timer rather than a sleep. */
  private void replyWhenGenerated(HttpServerResponse response, CompletionEnvelope envelope, Completion completion) {
    long delay = settings.firstTokenMillis() + completion.completionTokens() * settings.tokenMillis();
    long timerId = vertx.setTimer(Math.max(1, delay), id -> {
      if (!response.closed()) {
        sendJson(response, 200, envelope.completion(completion));
      }
    });
    // A client that gives up early must not leave a timer behind.
    response.closeHandler(v -> {
      if (vertx.cancelTimer(timerId)) {
        cancelledRequests.incrementAndGet();
      }
    });
  }

  /** Parse failures are client errors, reported like OpenAI does rather than as a router 500. */
  private static JsonObject bodyAsJsonObject(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidRequestException("We could not parse the JSON body of your request.", null);
    }
  }

  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "chatcmpl-" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }

  private void routeError(RoutingContext ctx, int status, String what) {
    String message = what + " (" + ctx.request().method() + " " + ctx.request().path() + ")";
    sendJson(ctx.response(), status, OpenAiErrors.invalidRequest(message, null));
  }

  private void unexpectedError(RoutingContext ctx) {
    // The failure's own text says what broke; its stack trace follows the line.
    LOG.warn("unexpected failure on " + ctx.request().method() + " " + ctx.request().path() + ": "
        + ctx.failure(), ctx.failure());
    sendJson(ctx.response(), 500, OpenAiErrors.serverError());
  }

  private void sendJson(HttpServerResponse response, int status, JsonObject body) {
    if (!response.ended() && !response.closed()) {
      completedRequests.incrementAndGet();
      response.setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
    }
  }
}
