package io.learngrid.http.limits;

import io.learngrid.bus.BusClient;
import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateChecks;
import io.learngrid.bus.cache.RateDecision;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate checks of one http verticle instance, sent to the cache role together: every check asked
 * for in one turn of the event loop goes out in one {@link RateChecks} message when the turn ends
 * (or at {@link RateChecks#MAX_CHECKS}), so many quiet users cost one bus hop and one Redis round
 * trip between them, not one each. A lone request waits for nothing but the end of its turn.
 * Confined to the verticle's event loop, as the requests that ask are.
 */
final class RateBatches {

  private record Pending(RateCheck check, Promise<RateDecision> decision) {}

  private final Context context;
  private final BusClient cacheRole;
  private final DistributionSummary sizes;
  private List<Pending> pending = new ArrayList<>();

  RateBatches(Vertx vertx, BusClient cacheRole, MeterRegistry registry) {
    this.context = vertx.getOrCreateContext();
    this.cacheRole = cacheRole;
    this.sizes = DistributionSummary.builder("learngrid.ratelimit.batch.checks")
        .description("Rate checks sent to the cache role in one message (one event-loop turn's)")
        .register(registry);
  }

  /** The cache role's decision on {@code check}; fails as the whole batch's message fails. */
  Future<RateDecision> decide(RateCheck check) {
    Promise<RateDecision> decision = Promise.promise();
    if (pending.isEmpty()) {
      context.runOnContext(turnEnded -> send());
    }
    pending.add(new Pending(check, decision));
    if (pending.size() >= RateChecks.MAX_CHECKS) {
      send();
    }
    return decision.future();
  }

  private void send() {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    sizes.record(batch.size());
    List<RateCheck> checks = new ArrayList<>(batch.size());
    batch.forEach(p -> checks.add(p.check()));
    cacheRole.request(RateChecks.ENDPOINT, new RateChecks(checks)).onComplete(
        replied -> {
          List<RateDecision> decisions = replied.decisions();
          for (int i = 0; i < batch.size(); i++) {
            if (decisions != null && i < decisions.size()) {
              batch.get(i).decision().complete(decisions.get(i));
            } else {
              batch.get(i).decision().fail("the cache role answered fewer decisions than checks");
            }
          }
        },
        failure -> batch.forEach(p -> p.decision().fail(failure)));
  }
}
