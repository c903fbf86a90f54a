package io.learngrid.ai;

import io.learngrid.bus.BusError;
import io.learngrid.config.LearngridConfig;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToDoubleFunction;

/**
 * Sends one chat completion to the best upstream that will take it: upstreams serving the model
 * first (one chosen by LEARNGRID_AI_BALANCING: drawn by weight, the least busy, or the lowest
 * peak-EWMA latency; then the others by weight), then the others with a model of their own (model
 * fallback). Each upstream gets retries with exponential backoff and full jitter on 429,
 * 5xx and connection errors, never sooner than its {@code Retry-After}; an upstream whose circuit is
 * open is skipped, and when every circuit is open the answer is 503 at once.
 */
final class UpstreamRouter {

  private final Vertx vertx;
  private final List<Upstream> upstreams;
  private final LearngridConfig.Ai settings;
  private final AiMetrics metrics;

  UpstreamRouter(Vertx vertx, List<Upstream> upstreams, LearngridConfig.Ai settings, AiMetrics metrics) {
    this.vertx = vertx;
    this.upstreams = upstreams;
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Whether every upstream's circuit is open (readiness reports the ai role DOWN then). */
  boolean allOpen() {
    return upstreams.stream().allMatch(Upstream::circuitOpen);
  }

  /**
   * The first exchange an upstream completes. A streamed exchange is open: nothing has been read past
   * its head, so no retry can ever follow a streamed byte.
   */
  Future<Upstream.Exchange> send(String model, JsonObject body, boolean stream) {
    if (allOpen()) {
      metrics.request("none", model, AiMetrics.CIRCUIT_OPEN);
      return Future.failedFuture(BusError.UNAVAILABLE.exception("AI upstream circuit is open", secondsUntilTrial()));
    }
    long deadline = System.currentTimeMillis() + settings.timeoutMillis();
    Promise<Upstream.Exchange> result = Promise.promise();
    next(order(model), 0, model, body, stream, deadline, null, result);
    return result.future();
  }

  private void next(List<Upstream> candidates, int index, String model, JsonObject body, boolean stream,
                    long deadline, UpstreamFailure last, Promise<Upstream.Exchange> result) {
    if (index >= candidates.size() || System.currentTimeMillis() >= deadline) {
      if (allOpen()) {
        result.fail(BusError.UNAVAILABLE.exception("AI upstream circuit is open", secondsUntilTrial()));
      } else {
        long wait = last == null ? 1 : Math.max(1, (last.retryAfterMillis + 999) / 1000);
        result.fail(BusError.UNAVAILABLE.exception(
            last == null ? "AI upstream unavailable" : last.getMessage(), wait));
      }
      return;
    }
    Upstream upstream = candidates.get(index);
    if (upstream.circuitOpen()) {
      next(candidates, index + 1, model, body, stream, deadline, last, result);
      return;
    }
    String sentModel = upstream.modelFor(model);
    attempt(upstream, body.copy().put("model", sentModel).put("stream", stream), stream, deadline, 0)
        .onSuccess(result::complete)
        .onFailure(failure -> {
          if (failure instanceof UpstreamFailure upstreamFailure) {
            next(candidates, index + 1, model, body, stream, deadline, upstreamFailure, result);
          } else if (failure instanceof OpenCircuitException) {
            metrics.request(upstream.name(), sentModel, AiMetrics.CIRCUIT_OPEN);
            next(candidates, index + 1, model, body, stream, deadline, last, result);
          } else {
            result.fail(failure);
          }
        });
  }

  private Future<Upstream.Exchange> attempt(Upstream upstream, JsonObject body, boolean stream, long deadline,
                                            int retry) {
    String model = body.getString("model");
    return upstream.attempt(body, stream, deadline - System.currentTimeMillis()).recover(failure -> {
      if (!(failure instanceof UpstreamFailure upstreamFailure)) {
        return Future.failedFuture(failure);
      }
      long delay = backoff(retry);
      if (upstreamFailure.retryAfterMillis > 0) {
        // An upstream that asks for more than our longest backoff is better left to the next upstream.
        delay = upstreamFailure.retryAfterMillis > settings.retryMaxMillis() ? Long.MAX_VALUE
            : Math.max(delay, upstreamFailure.retryAfterMillis);
      }
      boolean again = upstreamFailure.retryable && retry < settings.maxRetries()
          && delay != Long.MAX_VALUE && System.currentTimeMillis() + delay < deadline && !upstream.circuitOpen();
      metrics.request(upstream.name(), model, again ? AiMetrics.RETRIED : upstreamFailure.outcome);
      if (!again) {
        return Future.failedFuture(failure);
      }
      Promise<Upstream.Exchange> retried = Promise.promise();
      vertx.setTimer(Math.max(1, delay), id -> attempt(upstream, body, stream, deadline, retry + 1)
          .onComplete(retried));
      return retried.future();
    });
  }

  /** Full jitter: uniform in [0, min(max, base * 2^retry)], so that retrying clients spread out. */
  private long backoff(int retry) {
    long ceiling = Math.min(settings.retryMaxMillis(), settings.retryBaseMillis() << Math.min(retry, 20));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  private long secondsUntilTrial() {
    long millis = upstreams.stream().mapToLong(Upstream::millisUntilTrial).min().orElse(1_000);
    return Math.max(1, (millis + 999) / 1000);
  }

  /**
   * Serving upstreams (the first chosen by {@link #first}, the rest heaviest first), then the model
   * fallbacks. Open circuits are left in place; {@link #next} skips them.
   */
  private List<Upstream> order(String model) {
    List<Upstream> serving = new ArrayList<>();
    List<Upstream> fallback = new ArrayList<>();
    for (Upstream upstream : upstreams) {
      (upstream.serves(model) ? serving : fallback).add(upstream);
    }
    Comparator<Upstream> heaviest = Comparator.comparingInt((Upstream u) -> -u.settings.weight());
    serving.sort(heaviest);
    fallback.sort(heaviest);
    if (serving.size() > 1) {
      int first = first(serving);
      serving.add(0, serving.remove(first));
    }
    serving.addAll(fallback);
    return serving;
  }

  /** The index of the upstream to try first, by LEARNGRID_AI_BALANCING. */
  private int first(List<Upstream> serving) {
    return switch (settings.balancing()) {
      case WEIGHTED -> byWeight(serving);
      case LEAST_BUSY -> cheapest(serving, upstream -> (double) upstream.inFlight());
      case PEAK_EWMA -> cheapest(serving, Upstream::expectedLatency);
    };
  }

  private static int byWeight(List<Upstream> serving) {
    int total = serving.stream().mapToInt(u -> u.settings.weight()).sum();
    int draw = ThreadLocalRandom.current().nextInt(total);
    for (int i = 0; i < serving.size(); i++) {
      draw -= serving.get(i).settings.weight();
      if (draw < 0) {
        return i;
      }
    }
    return 0;
  }

  /**
   * The lowest cost per unit of weight among those whose circuit is not open; a tie is drawn by
   * weight, so that idle upstreams (all at 0) share the load as {@code weighted} would.
   */
  private static int cheapest(List<Upstream> serving, ToDoubleFunction<Upstream> cost) {
    double best = Double.MAX_VALUE;
    List<Upstream> tied = new ArrayList<>(serving.size());
    for (Upstream upstream : serving) {
      if (upstream.circuitOpen()) {
        continue;
      }
      double value = cost.applyAsDouble(upstream) / upstream.settings.weight();
      if (value < best) {
        best = value;
        tied.clear();
      }
      if (value == best) {
        tied.add(upstream);
      }
    }
    if (tied.isEmpty()) {
      return 0;
    }
    return serving.indexOf(tied.size() == 1 ? tied.get(0) : tied.get(byWeight(tied)));
  }
}
