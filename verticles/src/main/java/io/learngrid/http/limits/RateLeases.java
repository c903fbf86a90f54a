package io.learngrid.http.limits;

import io.learngrid.bus.cache.RateCheck;
import io.learngrid.bus.cache.RateDecision;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's leases of busy budgets: slices taken from Redis in one check and spent here, so that
 * a budget busy on this node costs one Redis round trip per slice rather than per request.
 *
 * <p>A slice is half of what this node spent of the budget in the last second, at most {@link #MAX_LEASE}
 * and a twentieth of the limit: a budget used now and then keeps its exact, one-request checks,
 * and a limit of 100 a minute leases at most 5. Redis charged a slice before it is spent, so no
 * node admits a request Redis did not grant; the leases only move requests in time, by at most
 * {@link #LEASE_NANOS}. Across N nodes a window therefore admits at most N slices beyond the limit
 * (requests granted in the second before it, spent in it), and a client spread over nodes may be
 * refused while up to N − 1 slices lie unspent on the others, lost when their second is over.
 *
 * <p>A refusal is kept for the second too (or until the budget allows one again, if sooner), so a
 * client hammering an exhausted budget is refused here, without asking Redis. Only checks of one
 * budget lease: a request with several (AI chat, class actions) asks Redis each time, as one
 * slice cannot be cut from all of them at once. One instance per Vert.x instance, shared by every
 * http verticle instance; the lock is held for a map update only.
 */
final class RateLeases implements Shareable {

  static final int MAX_LEASE = 256;
  static final long LEASE_NANOS = 1_000_000_000L;
  /** Budgets kept at most (a few MB); the least recently touched goes first. */
  static final int MAX_KEYS = 100_000;

  private final Map<String, Lease> leases = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Lease> eldest) {
      return size() > MAX_KEYS;
    }
  };

  static RateLeases of(Vertx vertx) {
    return vertx.sharedData().<String, RateLeases>getLocalMap("learngrid.http")
        .computeIfAbsent("rate-leases", name -> new RateLeases());
  }

  /** What this node holds of one budget. */
  private static final class Lease {
    Lease(long now) {
      until = now;
      secondStart = now;
      askedAt = now - LEASE_NANOS;
    }

    /** Requests granted by Redis and not yet spent; 0 while refused. */
    int tokens;
    /** When the tokens (or the refusal) stop counting. */
    long until;
    boolean refused;
    /** Redis's figures at the grant, for the RateLimit-* headers. */
    int limit;
    long remaining;
    long resetAt;
    long retryAt;
    /** Requests this node saw for the budget in the current second and in the one before. */
    long secondStart;
    int thisSecond;
    int lastSecond;
    /** When this node last asked for a slice; one ask at a time, the others ask for one request. */
    long askedAt;
    boolean asking;
  }

  /**
   * One request spent from this node's lease, or a refusal kept from Redis's last answer; null when
   * Redis must decide (no lease, a spent or lapsed one, or more than one budget).
   */
  synchronized RateDecision spend(List<RateCheck.Limit> budgets, long now) {
    if (budgets.size() != 1) {
      return null;
    }
    Lease lease = leases.computeIfAbsent(budgets.get(0).key(), key -> new Lease(now));
    count(lease, now);
    if (now - lease.until >= 0) {
      return null;
    }
    if (lease.refused) {
      return new RateDecision(false, lease.limit, 0, millis(lease.resetAt - now), millis(lease.retryAt - now), 0);
    }
    if (lease.tokens == 0) {
      return null;
    }
    lease.tokens--;
    return new RateDecision(true, lease.limit, lease.remaining + lease.tokens, millis(lease.resetAt - now), 0, 1);
  }

  /**
   * The requests to ask Redis for: one, unless this node spends the one budget faster and no other
   * request of it is already asking for a slice (one that failed to come back stops counting after
   * a second).
   */
  synchronized int wanted(List<RateCheck.Limit> budgets, long now) {
    if (budgets.size() != 1) {
      return 1;
    }
    RateCheck.Limit budget = budgets.get(0);
    Lease lease = leases.get(budget.key());
    if (lease == null || (lease.asking && now - lease.askedAt < LEASE_NANOS)) {
      return 1;
    }
    // Half a second's requests: a slice outlives its second only when the rate halves.
    int slice = Math.min(Math.max(lease.thisSecond, lease.lastSecond) / 2, Math.min(MAX_LEASE, budget.limit() / 20));
    if (slice <= 1) {
      return 1;
    }
    lease.asking = true;
    lease.askedAt = now;
    return slice;
  }

  /**
   * Redis's answer to a check of {@code asked} requests: keeps what it granted beyond the one request
   * that asked, or its refusal. {@code decision} is null when Redis did not answer.
   */
  synchronized void answered(List<RateCheck.Limit> budgets, int asked, RateDecision decision, long now) {
    if (budgets.size() != 1) {
      return;
    }
    Lease lease = leases.computeIfAbsent(budgets.get(0).key(), key -> new Lease(now));
    if (asked > 1) {
      lease.asking = false;
    }
    if (decision == null) {
      return;
    }
    lease.limit = decision.limit();
    lease.resetAt = now + decision.resetMillis() * 1_000_000;
    lease.remaining = decision.remaining();
    if (!decision.allowed()) {
      lease.refused = true;
      lease.tokens = 0;
      lease.retryAt = now + decision.retryAfterMillis() * 1_000_000;
      lease.until = Math.min(now + LEASE_NANOS, lease.retryAt);
    } else if (decision.granted() > 1 || lease.refused) {
      // A slice replaces what is left of an older one: those requests were charged a second ago and
      // may not be carried further in time. A single request leaves a live slice as it is.
      lease.refused = false;
      lease.tokens = decision.granted() - 1;
      lease.until = now + LEASE_NANOS;
    }
  }

  private static void count(Lease lease, long now) {
    long seconds = (now - lease.secondStart) / LEASE_NANOS;
    if (seconds > 0) {
      lease.lastSecond = seconds == 1 ? lease.thisSecond : 0;
      lease.thisSecond = 0;
      lease.secondStart = now;
    }
    lease.thisSecond++;
  }

  private static long millis(long nanos) {
    return Math.max(0, nanos / 1_000_000);
  }
}
