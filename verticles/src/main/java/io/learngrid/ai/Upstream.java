package io.learngrid.ai;

import io.learngrid.config.LearngridConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenAI-compatible upstream: its keep-alive connection pool, its circuit breaker, and one
 * attempt at {@code /v1/chat/completions} with connect, first-byte (idle) and total deadlines.
 */
final class Upstream {

  private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  /** A request the upstream answered: its status, and the body unless it is a stream still to be read. */
  record Exchange(Upstream upstream, String model, HttpClientRequest request, HttpClientResponse response,
                  Buffer body, long startedNanos, long firstByteNanos, long totalTimerId) {}

  final LearngridConfig.AiUpstream settings;
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final CircuitBreaker breaker;
  private final long resetMillis;
  private final String endpoint;
  private final String moderations;
  private volatile long openedAtMillis;
  private final FailureRate failureRate;
  /** Calls this node has sent and not yet finished (a stream until its end): least-busy and peak-ewma. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final PeakEwma latency;

  Upstream(Vertx vertx, LearngridConfig.AiUpstream settings, LearngridConfig.Ai ai, AiMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.resetMillis = ai.breakerResetMillis();
    this.endpoint = settings.url() + "/v1/chat/completions";
    this.moderations = settings.url() + "/v1/moderations";
    // Seed figures: 50 sockets per upstream; idle ones are closed after LEARNGRID_AI_POOL_IDLE_SECONDS.
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(ai.poolIdleSeconds())
            .setConnectTimeout((int) settings.connectTimeoutMillis()),
        new PoolOptions().setHttp1MaxSize(ai.poolSize()));
    // The breaker has no timeout of its own: the deadlines below fail the attempt, which it counts.
    this.breaker = CircuitBreaker.create("ai-" + settings.name(), vertx, new CircuitBreakerOptions()
        .setMaxFailures(ai.breakerMaxFailures())
        .setTimeout(-1)
        .setResetTimeout(ai.breakerResetMillis()));
    this.latency = new PeakEwma(ai.ewmaDecayMillis());
    this.failureRate = new FailureRate(ai.breakerRate().windowMillis(), ai.breakerRate().minCalls(),
        ai.breakerRate().percent());
    breaker.openHandler(v -> {
      openedAtMillis = System.currentTimeMillis();
      LOG.warn("AI upstream '" + settings.name() + "' circuit opened");
    });
    breaker.halfOpenHandler(v -> LOG.info("AI upstream '" + settings.name() + "' circuit half-open: one trial call"));
    breaker.closeHandler(v -> LOG.info("AI upstream '" + settings.name() + "' circuit closed"));
    metrics.breaker(settings.name(), () -> switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    });
  }

  String name() {
    return settings.name();
  }

  boolean serves(String model) {
    return settings.models().isEmpty() || settings.models().contains(model);
  }

  /** The requested model where this upstream serves it, else this upstream's first model (model fallback). */
  String modelFor(String requested) {
    return serves(requested) ? requested : settings.models().get(0);
  }

  boolean circuitOpen() {
    return breaker.state() == CircuitBreakerState.OPEN;
  }

  /** {@code closed}, {@code open} or {@code half-open}, as the breaker's metric says with 0, 2, 1. */
  String circuit() {
    return switch (breaker.state()) {
      case OPEN -> "open";
      case HALF_OPEN -> "half-open";
      case CLOSED -> "closed";
    };
  }

  /** How long until the open circuit lets a trial call through. */
  long millisUntilTrial() {
    return Math.max(0, resetMillis - (System.currentTimeMillis() - openedAtMillis));
  }

  /**
   * One attempt through the breaker. Fails with {@link UpstreamFailure} when the upstream is in
   * trouble (counted by the breaker) or with the breaker's {@code OpenCircuitException}. A
   * streamed attempt succeeds at the response head; the caller reads the body and must
   * {@link #finish} the exchange.
   */
  Future<Exchange> attempt(JsonObject body, boolean stream, long deadlineMillis) {
    long started = System.nanoTime();
    inFlight.incrementAndGet();
    return breaker.execute(() -> send(body, stream, Math.max(1, Math.min(settings.timeoutMillis(), deadlineMillis))))
        .onComplete(this::countTowardsTheRate)
        .onComplete(result -> {
          // The time to a whole reply, or to a stream's head; a failure's time counts too (a timeout is slow).
          long now = System.nanoTime();
          latency.observe(now - started, now);
          // A whole reply is over here; a stream holds its place until finish().
          if (result.failed() || result.result().body() != null) {
            inFlight.decrementAndGet();
          }
        });
  }

  /** Calls in flight from this node (least-busy balancing). */
  int inFlight() {
    return inFlight.get();
  }

  /** Peak-EWMA's cost: the expected latency times the calls waiting ahead, plus one (this one). */
  double expectedLatency() {
    return latency.estimate(System.nanoTime()) * (inFlight.get() + 1);
  }

  /** Calls through a closed breaker, upstream troubles counted as failures; the rate may open it. */
  private void countTowardsTheRate(AsyncResult<Exchange> result) {
    if (breaker.state() != CircuitBreakerState.CLOSED
        || result.failed() && !(result.cause() instanceof UpstreamFailure)) {
      return;
    }
    if (failureRate.record(result.failed(), System.currentTimeMillis())) {
      failureRate.clear();
      LOG.warn("AI upstream '" + settings.name() + "' failed at least " + failureRate.percent() + " % of its calls");
      breaker.open();
    }
  }

  private Future<Exchange> send(JsonObject body, boolean stream, long totalMillis) {
    long started = System.nanoTime();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(endpoint)
        // The wait for a pooled socket: a burst over the pool size queues for the request's deadline
        // (the TCP connect itself is bounded by the client's connect timeout above). Failing it at the
        // connect timeout instead counted a full local pool as upstream failures and opened the breaker.
        .setConnectTimeout(totalMillis)
        // No byte for this long is a hung upstream: before a stream's first token or between two, and
        // before a whole reply, which arrives when its generation is over. Shorter than the total
        // deadline, so a hang fails (and counts towards the breaker) with time left for a retry.
        .setIdleTimeout(Math.min(settings.firstByteTimeoutMillis(), totalMillis))
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.USER_AGENT, "learngrid")
        .putHeader(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json");
    if (settings.apiKey() != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey());
    }
    return client.request(options)
        .recover(failure -> Future.failedFuture(new UpstreamFailure("AI upstream unreachable", true, 0,
            AiMetrics.UPSTREAM_ERROR)))
        .compose(request -> {
          long timer = vertx.setTimer(totalMillis,
              id -> request.reset(0, new TimeoutException("AI upstream exceeded its total deadline")));
          return request.send(body.toBuffer())
              .compose(response -> answered(request, response, body.getString("model"), stream, started, timer))
              .onFailure(failure -> vertx.cancelTimer(timer))
              .recover(failure -> Future.failedFuture(failure instanceof UpstreamFailure
                  ? failure
                  : new UpstreamFailure(failure instanceof TimeoutException
                          || String.valueOf(failure.getMessage()).contains("timeout")
                      ? "AI upstream timed out" : "AI upstream connection failed", true, 0,
                      AiMetrics.UPSTREAM_ERROR)));
        });
  }

  private Future<Exchange> answered(HttpClientRequest request, HttpClientResponse response, String model,
                                    boolean stream, long started, long timer) {
    long firstByte = System.nanoTime() - started;
    int status = response.statusCode();
    if (status == 200 && stream) {
      // Held until the caller has its parser in place: nothing of the stream may be read and lost before.
      response.pause();
      return Future.succeededFuture(new Exchange(this, model, request, response, null, started, firstByte, timer));
    }
    if (status == 429 || status >= 500) {
      long retryAfter = retryAfterMillis(response.getHeader(HttpHeaders.RETRY_AFTER));
      return response.body().transform(ignored -> Future.failedFuture(new UpstreamFailure(
          status == 429 ? "AI upstream is rate limiting us" : "AI upstream answered " + status, true, retryAfter,
          AiMetrics.UPSTREAM_ERROR)));
    }
    if (status == 401 || status == 403) {
      LOG.warn("AI upstream '" + settings.name() + "' refused our credentials (" + status + ")");
      return response.body().transform(ignored -> Future.failedFuture(new UpstreamFailure(
          "AI upstream refused our credentials", false, 0, AiMetrics.UPSTREAM_ERROR)));
    }
    // 200, or a 4xx about the request itself: the upstream is healthy; the caller maps the status.
    return response.body().map(body -> new Exchange(this, model, request, response, body, started, firstByte, timer));
  }

  /**
   * One call of {@code /v1/moderations}, outside the breaker (a moderation outage is not a chat
   * outage): the reply's JSON when the upstream answered 200, else a failure.
   */
  Future<JsonObject> moderate(JsonObject body, long timeoutMillis) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(moderations)
        .setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.USER_AGENT, "learngrid")
        .putHeader(HttpHeaders.ACCEPT, APPLICATION_JSON);
    if (settings.apiKey() != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + settings.apiKey());
    }
    return client.request(options)
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().compose(reply -> response.statusCode() == 200
            ? Future.succeededFuture(reply.toJsonObject())
            : Future.failedFuture("moderation answered " + response.statusCode())));
  }

  void finish(Exchange exchange) {
    vertx.cancelTimer(exchange.totalTimerId());
    if (exchange.body() == null) {
      inFlight.decrementAndGet();
    }
  }

  /** {@code Retry-After} in seconds (the HTTP-date form is rare from APIs and read as absent). */
  private static long retryAfterMillis(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim())) * 1000;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  Future<Void> close() {
    breaker.close();
    return client.close();
  }
}
