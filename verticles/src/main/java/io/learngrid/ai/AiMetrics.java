package io.learngrid.ai;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The gateway's meters: requests by upstream, model and outcome, tokens by kind, estimated cost,
 * time to first byte and total latency (histograms, for p99 across nodes), breaker state.
 */
final class AiMetrics {

  /** Outcomes of {@code learngrid_ai_requests_total}. */
  static final String OK = "ok";
  static final String CACHED = "cached";
  static final String RETRIED = "retried";
  static final String UPSTREAM_ERROR = "upstream_error";
  static final String REJECTED = "rejected";
  static final String CIRCUIT_OPEN = "circuit_open";
  static final String BUDGET_EXCEEDED = "budget_exceeded";
  static final String CANCELLED = "cancelled";

  private final MeterRegistry registry;
  private final Counter promptTokens;
  private final Counter completionTokens;
  private final Counter cost;
  final Counter usageDropped;
  /** Requests polling for the reply to an identical prompt that another node is calling the upstream for. */
  final AtomicInteger waitingForOtherNode = new AtomicInteger();

  AiMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.promptTokens = Counter.builder("learngrid.ai.tokens").tag("kind", "prompt")
        .description("Tokens billed by AI upstreams").register(registry);
    this.completionTokens = Counter.builder("learngrid.ai.tokens").tag("kind", "completion")
        .description("Tokens billed by AI upstreams").register(registry);
    this.cost = Counter.builder("learngrid.ai.cost")
        .description("Estimated AI cost from LEARNGRID_AI_PRICES").register(registry);
    this.usageDropped = Counter.builder("learngrid.ai.usage.dropped")
        .description("AI usage rows the persistence role did not confirm (after a timeout they may still be written)")
        .register(registry);
    Gauge.builder("learngrid.ai.single.flight.waiting", waitingForOtherNode, AtomicInteger::get)
        .description("AI requests polling for the reply to an identical prompt that another node is calling for")
        .register(registry);
  }

  /** One attempt's (or one cached reply's) outcome; {@code upstream} is "cache" or "none" where no upstream answered. */
  void request(String upstream, String model, String outcome) {
    Counter.builder("learngrid.ai.requests")
        .tags("upstream", upstream, "model", model == null ? "default" : model, "outcome", outcome)
        .description("AI requests by upstream, model and outcome")
        .register(registry).increment();
  }

  void tokens(int prompt, int completion, double estimatedCost) {
    promptTokens.increment(prompt);
    completionTokens.increment(completion);
    cost.increment(estimatedCost);
  }

  void firstByte(String upstream, long nanos) {
    timer("learngrid.ai.first.byte", upstream, "Time to the upstream's first byte").record(Duration.ofNanos(nanos));
  }

  void total(String upstream, boolean streamed, long nanos) {
    Timer.builder("learngrid.ai.duration").tags("upstream", upstream, "stream", Boolean.toString(streamed))
        .description("Total time of an AI request, as the gateway saw it")
        .publishPercentileHistogram()
        .register(registry).record(Duration.ofNanos(nanos));
  }

  /** 0 closed, 1 half-open, 2 open, read from the breaker on each scrape. */
  void breaker(String upstream, Supplier<Number> state) {
    Gauge.builder("learngrid.ai.breaker.state", state)
        .tag("upstream", upstream)
        .description("Circuit breaker per AI upstream: 0 closed, 1 half-open, 2 open")
        .register(registry);
  }

  private Timer timer(String name, String upstream, String description) {
    return Timer.builder(name).tag("upstream", upstream).description(description)
        .publishPercentileHistogram()
        .register(registry);
  }
}
